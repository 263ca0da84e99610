/**
 * The official MCP Inspector CLI against the real server process's /mcp: with chaen's bearer
 * token it lists the tools and calls `whoami`; without a token it stops with its AUTH_REQUIRED
 * exit code, having been refused by the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startMcpServerProcess, type RunningServer } from '../harness/server-process.ts';

const INSPECTOR = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js');
/** The Inspector's `EXIT_CODES.AUTH_REQUIRED` (any 401/403). */
const EXIT_AUTH_REQUIRED = 3;
const RUN_TIMEOUT_MS = 60_000;

interface CliRun {
  exitCode: number | null;
  signal: string | number | null;
  stdout: string;
  stderr: string;
}

let server: RunningServer;
let mcpUrl: string;
let token: string;
/** The Inspector's HOME (it keeps a catalog and OAuth storage there): empty, removed afterwards. */
let home: string;

beforeAll(async () => {
  if (!existsSync(INSPECTOR))
    throw new Error(`Inspector CLI not installed at ${INSPECTOR} (bun add -d @modelcontextprotocol/inspector@2.12.0)`);
  home = await mkdtemp(join(tmpdir(), 'diracx-inspector-'));
  ({ server, mcpUrl, token } = await startMcpServerProcess());
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
}, 60_000);

/** Runs the Inspector CLI in non-interactive mode (no TTY, no browser, a private HOME). */
async function inspector(args: string[]): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== 'MCP_AUTO_OPEN_ENABLED' && key !== 'MCP_CATALOG_PATH') env[key] = value;
  }
  const proc = Bun.spawn({
    cmd: [process.execPath, INSPECTOR, '--cli', mcpUrl, '--transport', 'http', ...args, '--format', 'json'],
    cwd: home,
    env: { ...env, HOME: home },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: RUN_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { exitCode, signal: proc.signalCode, stdout, stderr };
}

const describeRun = (run: CliRun): string =>
  `exit ${run.exitCode} (signal ` +
  `${run.signal})\nstdout:\n${run.stdout || '(empty)'}\nstderr:\n${run.stderr || '(empty)'}`;

/** The CLI's single JSON document on stdout; fails with the whole run when it is not one. */
function resultOf(run: CliRun): Record<string, unknown> {
  if (run.exitCode !== 0) throw new Error(`Inspector CLI failed: ${describeRun(run)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    throw new Error(`Inspector CLI printed no JSON: ${describeRun(run)}`);
  }
  const result = typeof parsed === 'object' && parsed !== null && 'result' in parsed ? parsed.result : undefined;
  if (typeof result !== 'object' || result === null)
    throw new Error(`Inspector CLI printed no result: ${describeRun(run)}`);
  return result as Record<string, unknown>;
}

describe('MCP Inspector CLI against /mcp', () => {
  it(
    'lists the tools with a bearer token',
    async () => {
      const run = await inspector(['--method', 'tools/list', '--header', `Authorization: Bearer ${token}`]);
      const result = resultOf(run);
      const tools = Array.isArray(result.tools) ? (result.tools as Array<{ name?: unknown }>) : [];
      const names = tools.map((tool) => tool.name);
      expect(names).toContain('search_jobs');
      expect(names).toContain('whoami');
    },
    RUN_TIMEOUT_MS + 10_000,
  );

  it(
    'calls whoami and gets the token holder back',
    async () => {
      const run = await inspector([
        '--method',
        'tools/call',
        '--tool-name',
        'whoami',
        '--header',
        `Authorization: Bearer ${token}`,
      ]);
      const result = resultOf(run);
      expect(result.isError ?? false).toBe(false);
      expect(result.structuredContent).toMatchObject({
        success: true,
        preferred_username: 'chaen',
        vo: 'lhcb',
        group: 'lhcb_user',
      });
    },
    RUN_TIMEOUT_MS + 10_000,
  );

  it(
    'exits with AUTH_REQUIRED when no token is sent',
    async () => {
      // --stored-auth-only: report the refusal instead of attempting an interactive OAuth login.
      const run = await inspector(['--method', 'tools/list', '--stored-auth-only']);
      if (run.exitCode !== EXIT_AUTH_REQUIRED)
        throw new Error(`expected exit ${EXIT_AUTH_REQUIRED}: ${describeRun(run)}`);
      expect(run.stderr).toContain('"code":"auth_required"');
      expect(run.stderr).toContain('invalid_token');
      expect(run.stdout).not.toContain('search_jobs');
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});
