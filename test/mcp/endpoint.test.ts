/**
 * /mcp over real HTTP with the official SDK clients: the bearer token is verified as for REST
 * and must be issued for this resource; refusals carry the RFC 9728 challenge; Host and Origin
 * are allow-listed; the v1 client (2025 protocol) and the v2 client pinned to 2026-07-28 both
 * list and call tools; an agent logs in by itself with the SDK's ClientCredentialsProvider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { createServiceClientFixture, SECRET_CLIENT, type ServiceClientFixture } from '../harness/service-clients.ts';
import { startMcpTestServer, type McpTestServer } from './server.ts';

let server: McpTestServer;
let fixture: ServiceClientFixture;
beforeAll(async () => {
  fixture = await createServiceClientFixture();
  server = await startMcpTestServer({ rawConfig: fixture.raw });
});
afterAll(() => server.stop());

const INIT = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
const post = (headers: Record<string, string>, body: unknown = INIT): Promise<Response> =>
  fetch(server.mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });

async function v1Client(token: string): Promise<Client> {
  const client = new Client({ name: 'test-v1', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(server.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

describe('/mcp authentication', () => {
  it('answers a request without a token with 401 and the protected-resource metadata URL', async () => {
    const res = await post({});
    expect(res.status).toBe(401);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toStartWith('Bearer error="invalid_token"');
    expect(challenge).toContain(`resource_metadata="${server.base}/.well-known/oauth-protected-resource/mcp"`);
  });

  it('refuses a valid DiracX token that was not issued for this resource (no audience)', async () => {
    const restToken = await server.app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen');
    const res = await post({ authorization: `Bearer ${restToken}` });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('refuses a token for another audience and an expired token', async () => {
    for (const token of [
      await server.token('lhcb', 'lhcb_user', 'chaen', { audience: 'https://elsewhere.example/mcp' }),
      await server.token('lhcb', 'lhcb_user', 'chaen', { lifetimeSeconds: -60 }),
    ]) {
      expect((await post({ authorization: `Bearer ${token}` })).status).toBe(401);
    }
  });

  it('refuses a foreign Host or Origin with 403 (DNS-rebinding protection)', async () => {
    const token = await server.token('lhcb', 'lhcb_user', 'chaen');
    expect((await post({ authorization: `Bearer ${token}`, origin: 'https://evil.example' })).status).toBe(403);
    const viaOtherHost = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        host: 'evil.example',
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(INIT),
    });
    expect(viaOtherHost.status).toBe(403);
  });

  it('publishes the protected-resource and authorization-server metadata', async () => {
    const prm = (await (await fetch(`${server.base}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<
      string,
      unknown
    >;
    expect(prm).toMatchObject({ resource: server.mcpUrl.href, authorization_servers: [server.base] });
    const as = (await (await fetch(`${server.base}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(as).toMatchObject({ issuer: server.base, token_endpoint: `${server.base}/api/auth/token` });
    expect(as.grant_types_supported).toContain('client_credentials');
  });
});

describe('MCP clients of both protocol eras', () => {
  it('lets the v1 SDK client list tools and call whoami as the token user', async () => {
    const client = await v1Client(await server.token('lhcb', 'lhcb_user', 'chaen'));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('search_jobs');
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ preferred_username: 'chaen', vo: 'lhcb' });
    await client.close();
  });

  it('keeps each caller separate when servers are reused across requests, also concurrently', async () => {
    const chaen = await v1Client(await server.token('lhcb', 'lhcb_user', 'chaen'));
    const alice = await v1Client(await server.token('gridpp', 'gridpp_user', 'alice'));
    const callers: { who: string; client: Client }[] = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? { who: 'chaen', client: chaen } : { who: 'alice', client: alice },
    );
    const results = await Promise.all(
      callers.map(async ({ who, client }) => ({
        who,
        content: (await client.callTool({ name: 'whoami', arguments: {} })).structuredContent,
      })),
    );
    for (const { who, content } of results)
      expect((content as { preferred_username: string }).preferred_username).toBe(who);
    await Promise.all([chaen.close(), alice.close()]);
  });

  it('lets the v2 SDK client pinned to 2026-07-28 list tools and call whoami', async () => {
    const token = await server.token('gridpp', 'gridpp_user', 'alice');
    const client = new ModernClient(
      { name: 'test-v2', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(
      new ModernTransport(server.mcpUrl, { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
    );
    expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect((await client.listTools()).tools.length).toBeGreaterThan(10);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.structuredContent).toMatchObject({ preferred_username: 'alice', vo: 'gridpp' });
    await client.close();
  });

  it('lets an agent log in with client credentials via the SDK provider, acting as its service account', async () => {
    const provider = new ClientCredentialsProvider({ clientId: SECRET_CLIENT, clientSecret: fixture.secret });
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(server.mcpUrl, { authProvider: provider }));
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.structuredContent).toMatchObject({ preferred_username: 'chaen', client_id: SECRET_CLIENT });
    await client.close();
  });
});
