/**
 * `bun run build` bundles the server with the manifest's extensions: the built artefact, copied
 * away from the repository with only the PGlite package beside it (kept external by the build),
 * serves a gubbins tool over MCP and its REST route, with neither `extensions/` nor the sources
 * reachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
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

let dir = '';
let server: RunningServer;
let mcpUrl = '';

beforeAll(async () => {
  const build = Bun.spawn({ cmd: [process.execPath, 'run', 'build'], cwd: REPO_ROOT, stdout: 'pipe', stderr: 'pipe' });
  if ((await build.exited) !== 0) throw new Error(`bun run build failed: ${await new Response(build.stderr).text()}`);
  dir = await mkdtemp(join(tmpdir(), 'diracx-bundle-'));
  await cp(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
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
});

describe('the built bundle', () => {
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
