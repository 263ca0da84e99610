/**
 * The official MCP conformance suite's server scenarios that apply to this server, run against
 * the real server process's /mcp through a test-only proxy that adds chaen's bearer token (the
 * suite sends none) and passes the Host header through, so DNS-rebinding protection is the server's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, REPO_ROOT, startMcpServerProcess, type RunningServer } from '../harness/server-process.ts';
import { startAuthProxy, type AuthProxy } from './auth-proxy.ts';

const CONFORMANCE = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const RUN_TIMEOUT_MS = 60_000;

/**
 * The 0.1.16 server scenarios that need no fixture tools, prompts or resources ("everything
 * server" names) and so say something about this server as it ships; `dns-rebinding-protection`,
 * the fifth, has its own test below.
 */
const SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'logging-set-level'] as const;

interface ScenarioRun {
  exitCode: number | null;
  signal: string | number | null;
  output: string;
}

let server: RunningServer;
let proxy: AuthProxy;
/** Working directory of the suite (results, caches): removed afterwards. */
let workDir: string;

beforeAll(async () => {
  if (!existsSync(CONFORMANCE))
    throw new Error(
      `conformance suite not installed at ${CONFORMANCE} (bun add -d @modelcontextprotocol/conformance@0.1.16)`,
    );
  workDir = await mkdtemp(join(tmpdir(), 'diracx-conformance-'));
  const proxyPort = findFreePort();
  // The suite talks to the proxy, so the server sees the proxy's Host, and the valid-request
  // check of dns-rebinding-protection also sends Origin: http://<that host>.
  const started = await startMcpServerProcess({
    hosts: [`127.0.0.1:${proxyPort}`],
    origins: [`http://127.0.0.1:${proxyPort}`],
  });
  server = started.server;
  proxy = startAuthProxy({ target: started.mcpUrl, token: started.token, port: proxyPort });
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 60_000);

async function runScenario(scenario: string): Promise<ScenarioRun> {
  const proc = Bun.spawn({
    cmd: [
      process.execPath,
      CONFORMANCE,
      'server',
      '--url',
      proxy.url,
      '--scenario',
      scenario,
      '-o',
      join(workDir, 'results'),
    ],
    cwd: workDir,
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
  return {
    exitCode,
    signal: proc.signalCode,
    output: `stdout:\n${stdout || '(empty)'}\nstderr:\n${stderr || '(empty)'}`,
  };
}

/** Runs `scenario` and fails, with the suite's whole output, unless every one of its checks passed. */
async function expectScenarioPasses(scenario: string): Promise<void> {
  const run = await runScenario(scenario);
  if (run.exitCode !== 0) {
    throw new Error(`conformance scenario ${scenario} exited ${run.exitCode} (signal ${run.signal})\n${run.output}`);
  }
  // Not vacuous: the scenario ran checks and every one of them passed.
  const summary = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(run.output);
  if (!summary) throw new Error(`no result summary from ${scenario}\n${run.output}`);
  const [, passed, total, failed] = summary.map(Number);
  expect({ passed, failed }).toEqual({ passed: total, failed: 0 });
  expect(total).toBeGreaterThan(0);
}

describe('MCP conformance suite (server scenarios) against /mcp', () => {
  for (const scenario of SCENARIOS) {
    it(`passes ${scenario}`, () => expectScenarioPasses(scenario), RUN_TIMEOUT_MS + 10_000);
  }

  it(
    'passes dns-rebinding-protection, the server itself refusing the foreign Host with 403',
    async () => {
      const before = proxy.exchanges.length;
      await expectScenarioPasses('dns-rebinding-protection');
      const exchanges = proxy.exchanges.slice(before);
      // The suite sends Host and Origin evil.example.com, then the proxy's own host and origin.
      const hostile = exchanges.filter((exchange) => exchange.host === 'evil.example.com');
      expect(hostile.map((exchange) => exchange.status)).toEqual([403]);
      const local = exchanges.filter(
        (exchange) => exchange.host === proxy.host && exchange.origin === `http://${proxy.host}`,
      );
      expect(local.map((exchange) => exchange.status)).toEqual([200]);
    },
    RUN_TIMEOUT_MS + 10_000,
  );
});
