/**
 * /mcp answers malformed input with a clear 4xx or a JSON-RPC error, never a 5xx, and runs
 * nothing: bodies that are not JSON, JSON that is not JSON-RPC, unknown methods and tools, a
 * wrong content type or Accept header, an oversized body, a foreign Origin or Host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { startMcpTestServer, type McpTestServer } from './server.ts';

let server: McpTestServer;
let token: string;
beforeAll(async () => {
  server = await startMcpTestServer();
  token = await server.token('lhcb', 'lhcb_user', 'chaen');
});
afterAll(() => server.stop());

const HEADERS = (): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
});

async function post(
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(server.mcpUrl, { method: 'POST', headers: { ...HEADERS(), ...headers }, body });
  return { status: res.status, text: await res.text() };
}

const toolCalls = (): number => server.app.logs.filter((l) => l.msg === 'tool call').length;

describe('/mcp with malformed input', () => {
  const cases: [string, () => Promise<{ status: number; text: string }>, number, string][] = [
    ['a body that is not JSON', () => post('{"jsonrpc": "2.0", "id": 1, "method": '), 400, '-32700'],
    ['JSON that is not a JSON-RPC message', () => post(JSON.stringify({ hello: 'world' })), 400, '-32'],
    ['an empty batch', () => post('[]'), 400, '-32'],
    [
      'an unknown method',
      () => post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'jobs/steal', params: {} })),
      200,
      '-32601',
    ],
    [
      'an unknown tool',
      () =>
        post(
          JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'tools/call',
            params: { name: 'steal_jobs', arguments: {} },
          }),
        ),
      200,
      'steal_jobs',
    ],
    [
      'arguments that are not an object',
      () =>
        post(
          JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'tools/call',
            params: { name: 'get_job', arguments: 'all' },
          }),
        ),
      200,
      '-32602',
    ],
    [
      'a text/plain body',
      () =>
        post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }), {
          'content-type': 'text/plain',
        }),
      415,
      '',
    ],
    [
      'an Accept header without event streams',
      () => post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }), { accept: 'text/html' }),
      406,
      '',
    ],
    ['a body over 4 MiB', () => post(new Uint8Array(5 * 1024 * 1024).fill(32)), 413, ''],
    [
      'a foreign Origin',
      () =>
        post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }), {
          origin: 'https://evil.example',
        }),
      403,
      '',
    ],
    [
      'a foreign Host',
      () => post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }), { host: 'evil.example' }),
      403,
      '',
    ],
  ];
  for (const [name, send, status, mark] of cases) {
    it(`answers ${name} with ${status}${mark ? ` (${mark})` : ''} and runs nothing`, async () => {
      const before = toolCalls();
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.text).toContain(mark);
      expect(res.text).not.toMatch(/stack|at \/|postgres|drizzle|TypeError/i);
      expect(toolCalls()).toBe(before);
    });
  }
});
