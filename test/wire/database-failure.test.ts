/**
 * A database failure as the clients and the administrator see it: the server over a PostgreSQL
 * address that refuses connections (a real postgres.js connection error, no server needed). A
 * REST call answers 503 `Database unavailable` and an MCP tool call an UNAVAILABLE result, with
 * nothing of the driver in either (the leak pattern of the property tests, the address, the
 * code), and so does readiness; the server log's warning from each error mapper names the
 * driver error's code, class and message, so an administrator can tell why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { IN_MEMORY, openDatabase } from '../../src/db/open.ts';
import { INTERNALS } from '../harness/leaks.ts';
import { startMcpTestServer, type McpTestServer } from '../mcp/server.ts';
import { call } from '../routes/jobs/harness.ts';

/** Nothing listens on port 1: every connection attempt is refused at once. */
const REFUSING_URL = 'postgres://nobody@127.0.0.1:1/none';

let server: McpTestServer;
beforeAll(async () => {
  server = await startMcpTestServer({
    createDatabase: async () => {
      const database = await openDatabase({ url: REFUSING_URL, dataDir: IN_MEMORY, poolSize: 1 });
      return { database, dispose: () => database.close() };
    },
  });
});
afterAll(() => server.stop());

/** The warnings logged since `from` for an unavailable dependency. */
const unavailableWarnings = (from: number): Record<string, unknown>[] =>
  server.app.logs.slice(from).filter((l) => l.level === 'warn' && l.msg === 'dependency unavailable');

/** What the log must say of the refused connection: its code, class and the socket's message. */
const REFUSED_CAUSE = {
  class: 'Error',
  code: 'ECONNREFUSED',
  message: expect.stringContaining('ECONNREFUSED'),
};

/** Parts of the driver error that must stay out of every answer. */
const DRIVER_WORDS = /ECONNREFUSED|127\.0\.0\.1|nobody|cause/i;

describe('a database that refuses connections', () => {
  it('answers a REST call 503 "Database unavailable" and logs the driver error behind it', async () => {
    const before = server.app.logs.length;
    const res = await call(server.app, 'owner', 'POST', '/api/jobs/search', { parameters: ['JobID'] });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(res.body).toEqual({ detail: 'Database unavailable' });
    const body = JSON.stringify(res.body);
    expect(body).not.toMatch(INTERNALS);
    expect(body).not.toMatch(DRIVER_WORDS);
    const warnings = unavailableWarnings(before);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ detail: 'Database unavailable', cause: REFUSED_CAUSE });
  });

  it('answers readiness 503 and logs the driver error behind the failed ping', async () => {
    const before = server.app.logs.length;
    const res = await server.app.fetch('/api/health/ready');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ detail: 'AuthDB ping failed' });
    const warnings = unavailableWarnings(before);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ detail: 'AuthDB ping failed', cause: REFUSED_CAUSE });
  });

  it('answers an MCP tool call UNAVAILABLE and logs the driver error behind it', async () => {
    const before = server.app.logs.length;
    const token = await server.token('lhcb', 'lhcb_user', 'chaen');
    const res = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'search_jobs', arguments: { parameter: 'JobID', operator: 'eq', value: '1' } },
      }),
    });
    expect(res.status).toBe(200);
    const raw = await res.text();
    const { result } = JSON.parse(raw) as {
      result: { isError: boolean; content: { text: string }[]; structuredContent: Record<string, unknown> };
    };
    expect(result.isError).toBe(true);
    expect(result.content).toHaveLength(1);
    expect(result.content[0]?.text).toStartWith('UNAVAILABLE: Database unavailable ');
    expect(result.structuredContent).toMatchObject({ success: false, code: 'UNAVAILABLE' });
    expect(raw).not.toMatch(INTERNALS);
    expect(raw).not.toMatch(DRIVER_WORDS);
    const warnings = unavailableWarnings(before);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ detail: 'Database unavailable', cause: REFUSED_CAUSE });
  });
});
