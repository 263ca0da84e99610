/**
 * Tool arguments over real HTTP (raw JSON-RPC, 2025-era requests): they are parsed once before
 * the SDK, so a tool runs on its schema's defaults; bad arguments are a JSON-RPC invalid-params
 * error and nothing runs; in a batch, one bad call refuses the whole batch and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { call, submitJob } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from './server.ts';

let server: McpTestServer;
let token: string;
let job: number;
beforeAll(async () => {
  server = await startMcpTestServer();
  token = await server.token('lhcb', 'lhcb_user', 'chaen');
  job = await submitJob(server.app, 'owner');
});
afterAll(() => server.stop());

const toolCall = (id: number, name: string, args: unknown): unknown => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

async function post(body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(server.mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const auditLines = (from: number): Record<string, unknown>[] =>
  server.app.logs.slice(from).filter((l) => l.msg === 'tool call');

async function jobStatus(): Promise<unknown> {
  const res = await call(server.app, 'owner', 'POST', '/api/jobs/search', {
    parameters: ['Status'],
    search: [{ parameter: 'JobID', operator: 'eq', value: String(job) }],
  });
  return (res.body as { Status: string }[])[0]?.Status;
}

describe('tool arguments', () => {
  it('reach the tool with the schema defaults applied', async () => {
    const res = await post(toolCall(1, 'search_jobs', { parameter: 'JobID', operator: 'eq', value: String(job) }));
    const result = (
      res.body as {
        result: { isError?: boolean; structuredContent: { data: unknown[]; pagination: Record<string, unknown> } };
      }
    ).result;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent.data).toHaveLength(1);
    // Without the defaults (page 1, 10 per page) the page's bounds would not be numbers.
    expect(result.structuredContent.pagination).toMatchObject({ start: 0, end: 0, total: 1 });
  });

  it('that break the schema get invalid-params with the request id, and the tool does not run', async () => {
    const before = server.app.logs.length;
    const res = await post(toolCall(7, 'kill_jobs', { job_ids: ['x'] }));
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32602 } });
    expect(JSON.stringify(res.body)).toContain('job_ids');
    expect(auditLines(before)).toHaveLength(0);
  });

  it('refuse a whole batch when one call is bad, and nothing in it runs', async () => {
    const statusBefore = await jobStatus();
    const before = server.app.logs.length;
    const res = await post([
      toolCall(1, 'kill_jobs', { job_ids: [job] }),
      toolCall(2, 'get_job', { job_id: 'not a number' }),
    ]);
    expect(res.body).toMatchObject({ error: { code: -32602 } });
    expect(JSON.stringify(res.body)).toContain('job_id');
    expect(auditLines(before)).toHaveLength(0);
    expect(await jobStatus()).toBe(statusBefore);
  });
});
