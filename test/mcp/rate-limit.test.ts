/**
 * /mcp limits each caller (token subject and OAuth client) to a number of requests a minute:
 * past it, 429 with Retry-After and nothing runs; other callers are not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { startMcpTestServer, type McpTestServer } from './server.ts';

let server: McpTestServer;
beforeAll(async () => {
  server = await startMcpTestServer({ rateLimitPerMinute: 3 });
});
afterAll(() => server.stop());

async function whoami(token: string): Promise<Response> {
  return fetch(server.mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
  });
}

describe('the /mcp rate limit', () => {
  it('answers 429 with Retry-After past the limit, runs nothing, and leaves other callers alone', async () => {
    const chaen = await server.token('lhcb', 'lhcb_user', 'chaen');
    for (let i = 0; i < 3; i++) expect((await whoami(chaen)).status).toBe(200);
    const before = server.app.logs.length;
    const refused = await whoami(chaen);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ detail: 'Too many requests' });
    expect(server.app.logs.slice(before).filter((l) => l.msg === 'tool call')).toHaveLength(0);
    expect((await whoami(await server.token('lhcb', 'lhcb_user', 'albdr'))).status).toBe(200);
  });
});
