/**
 * The default build is DiracX's (issue 18, item 1): the real server process (`bun run server`,
 * on the default settings and the shipped configuration) enables no extension, so nothing of
 * the example extension gubbins shows: no route or model in the OpenAPI document, no property
 * in discovery, no user field in `/api/config/` (the served document passes the core schema,
 * which refuses unknown keys), no MCP tool, and the core `wms` rule that gubbins tightens holds
 * (a JobAdministrator manages another user's job of the VO).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ConfigObjectSchema } from '../../src/config/schema.ts';
import { findFreePort, serverToken, startServer, type RunningServer } from '../harness/server-process.ts';

const OWNER = { vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' } as const;
const ADMINISTRATOR = { vo: 'lhcb', group: 'lhcb_admin', preferredUsername: 'lhcbadmin' } as const;
/** Anything of gubbins: its routes, tools, table, property (GubbinsSensei) and user field (GubbinsSpecificInfo). */
const GUBBINS = /gubbins/i;

let server: RunningServer;
let mcpUrl = '';

beforeAll(async () => {
  const port = findFreePort();
  mcpUrl = `http://127.0.0.1:${port}/mcp`;
  server = await startServer({
    PORT: String(port),
    DIRACX_MCP_RESOURCE_URL: mcpUrl,
    DIRACX_MCP_ALLOWED_HOSTS: `127.0.0.1:${port}`,
  });
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** A JSON request to the server, with a token for `subject` when given. */
async function request(
  path: string,
  subject?: typeof OWNER | typeof ADMINISTRATOR,
  init: { method?: string; body?: unknown } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (subject) headers.authorization = `Bearer ${await serverToken(subject)}`;
  return fetch(new URL(path, server.url), {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

describe('the default build (bun run server)', () => {
  it('starts with no extension and applies no extension migration', () => {
    expect(server.logs().find((line) => line.msg === 'listening')?.extensions).toEqual([]);
    expect(server.logs().find((line) => line.msg === 'extension migrations applied')).toBeUndefined();
  });

  it('documents no gubbins route or model in OpenAPI', async () => {
    const res = await request('api/openapi.json');
    expect(res.status).toBe(200);
    const text = await res.text();
    const paths = Object.keys((JSON.parse(text) as { paths: Record<string, unknown> }).paths);
    expect(paths).toContain('/api/jobs/search');
    expect(paths.filter((path) => path.startsWith('/api/gubbins'))).toEqual([]);
    expect(text).not.toMatch(GUBBINS);
  });

  it('lists no gubbins property or scope in discovery and the installation metadata', async () => {
    const discovery = await request('.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    const text = await discovery.text();
    expect((JSON.parse(text) as { scopes_supported: string[] }).scopes_supported).toContain('property:NormalUser');
    expect(text).not.toMatch(GUBBINS);
    const metadata = await request('.well-known/dirac-metadata');
    expect(metadata.status).toBe(200);
    expect(await metadata.text()).not.toMatch(GUBBINS);
  });

  it("serves a configuration DiracX's core schema accepts: no extension field on any user", async () => {
    const res = await request('api/config/', OWNER);
    expect(res.status).toBe(200);
    const document = (await res.json()) as { Registry: Record<string, { Users: Record<string, unknown> }> };
    expect(Object.keys(document.Registry.lhcb?.Users ?? {}).length).toBeGreaterThan(0);
    // The core schema is strict on users: an extension field would be an unrecognized key.
    const parsed = ConfigObjectSchema.safeParse(document);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(JSON.stringify(document)).not.toMatch(GUBBINS);
  });

  it('lists no gubbins tool over MCP', async () => {
    const token = await serverToken({ ...OWNER, audience: mcpUrl });
    const client = new Client({ name: 'vanilla-default-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain('search_jobs');
      expect(names.filter((name) => GUBBINS.test(name))).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it("lets a JobAdministrator manage another user's job of the VO (DiracX's wms rule)", async () => {
    const submitted = await request('api/jobs/jdl', OWNER, {
      method: 'POST',
      body: ['[Executable = "echo"; JobName = "vanilla-default";]'],
    });
    expect(submitted.status).toBe(201);
    const [job] = (await submitted.json()) as { JobID: number }[];
    const id = job!.JobID;
    const killed = await request('api/jobs/status', ADMINISTRATOR, {
      method: 'PATCH',
      body: { [id]: { [new Date().toISOString()]: { Status: 'Killed', Source: 'vanilla-default' } } },
    });
    expect(killed.status).toBe(200);
    const search = await request('api/jobs/search', ADMINISTRATOR, {
      method: 'POST',
      body: { parameters: ['JobID', 'Status', 'Owner'], search: [{ parameter: 'JobID', operator: 'eq', value: id }] },
    });
    expect(search.status).toBe(200);
    expect(await search.json()).toEqual([{ JobID: id, Status: 'Killed', Owner: 'chaen' }]);
  });
});
