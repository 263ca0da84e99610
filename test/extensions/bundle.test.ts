/**
 * `bun run build` bundles the server with the manifest's extensions. Built in a copy of the
 * repository (so the repository's committed manifest is never rewritten): by default the bundle
 * carries nothing of the example extension gubbins; with the documented
 * `DIRACX_BUILD_EXTENSIONS=@diracx-ts/gubbins bun run build`, the built artefact, copied away
 * with only the PGlite package beside it (kept external by the build), serves a gubbins tool
 * over MCP and its REST route, with neither `extensions/` nor the sources reachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findFreePort,
  REPO_ROOT,
  SERVER_ISSUER,
  serverToken,
  startServer,
  type RunningServer,
} from '../harness/server-process.ts';

/**
 * A copy of what `bun run build` reads (package.json, tsconfig.json, src/, extensions/) in
 * `into`, with the repository's installed packages linked, except the workspace package
 * `@diracx-ts/gubbins`, which points at the copy's (one copy of the core in a bundle).
 */
async function copyRepository(into: string): Promise<void> {
  for (const entry of ['package.json', 'tsconfig.json', 'src', 'extensions'])
    await cp(join(REPO_ROOT, entry), join(into, entry), { recursive: true });
  await mkdir(join(into, 'node_modules', '@diracx-ts'), { recursive: true });
  for (const entry of await readdir(join(REPO_ROOT, 'node_modules'))) {
    if (entry !== '@diracx-ts')
      await symlink(join(REPO_ROOT, 'node_modules', entry), join(into, 'node_modules', entry));
  }
  await symlink(join(into, 'extensions', 'gubbins'), join(into, 'node_modules', '@diracx-ts', 'gubbins'));
}

/** Runs `bun run build` in `cwd` with `env` added; returns the bundled server's source. */
async function build(cwd: string, env: Record<string, string> = {}): Promise<string> {
  const { DIRACX_BUILD_EXTENSIONS: _inherited, ...inherited } = process.env;
  const proc = Bun.spawn({
    cmd: [process.execPath, 'run', 'build'],
    cwd,
    env: { ...inherited, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  if ((await proc.exited) !== 0) throw new Error(`bun run build failed: ${await new Response(proc.stderr).text()}`);
  return Bun.file(join(cwd, 'dist', 'server.js')).text();
}

let source = '';
let dir = '';
let server: RunningServer;
let mcpUrl = '';
let defaultBundle = '';
let gubbinsBundle = '';

beforeAll(async () => {
  source = await mkdtemp(join(tmpdir(), 'diracx-build-'));
  await copyRepository(source);
  defaultBundle = await build(source);
  gubbinsBundle = await build(source, { DIRACX_BUILD_EXTENSIONS: '@diracx-ts/gubbins' });
  dir = await mkdtemp(join(tmpdir(), 'diracx-bundle-'));
  await cp(join(source, 'dist'), join(dir, 'dist'), { recursive: true });
  await mkdir(join(dir, 'node_modules', '@electric-sql'), { recursive: true });
  await symlink(
    join(REPO_ROOT, 'node_modules', '@electric-sql', 'pglite'),
    join(dir, 'node_modules', '@electric-sql', 'pglite'),
  );
  const port = findFreePort();
  mcpUrl = `http://127.0.0.1:${port}/mcp`;
  server = await startServer(
    {
      PORT: String(port),
      DIRACX_SERVICE_AUTH_TOKEN_ISSUER: SERVER_ISSUER,
      DIRACX_MCP_RESOURCE_URL: mcpUrl,
      DIRACX_MCP_ALLOWED_HOSTS: `127.0.0.1:${port}`,
    },
    { command: [join(dir, 'dist', 'server.js')], cwd: dir },
  );
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (source) await rm(source, { recursive: true, force: true });
});

describe('the default build', () => {
  it('bundles nothing of gubbins (no extension)', () => {
    expect(defaultBundle).toContain('/api/jobs/search');
    expect(defaultBundle).not.toMatch(/gubbins/i);
    expect(gubbinsBundle).toContain('GubbinsOwners');
  });
});

describe('the bundle built with DIRACX_BUILD_EXTENSIONS=@diracx-ts/gubbins', () => {
  it('runs from outside the repository and names its extensions', () => {
    const listening = server.logs().find((l) => l.msg === 'listening');
    expect(listening?.extensions).toEqual(['gubbins']);
    expect(server.logs().find((l) => l.msg === 'extension migrations applied')?.migrations).toEqual([
      'gubbins/0000_gubbins_owners',
    ]);
  });

  it('serves a gubbins tool over MCP', async () => {
    const token = await serverToken({ vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen', audience: mcpUrl });
    const client = new Client({ name: 'bundle-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('add_gubbins_owner');
      const added = await client.callTool({ name: 'add_gubbins_owner', arguments: { name: 'bundled' } });
      expect(added.isError).toBeFalsy();
      const listed = await client.callTool({ name: 'list_gubbins_owners', arguments: {} });
      expect(JSON.stringify(listed.structuredContent)).toContain('"bundled"');
    } finally {
      await client.close();
    }
  });

  it('serves the gubbins REST route', async () => {
    const token = await serverToken({ vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' });
    const res = await fetch(`${server.url}api/gubbins/owners`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });
});
