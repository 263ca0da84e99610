/**
 * The same people get the same answers from MCP tools over HTTP as from the REST routes over
 * the same data: the owner, another user of the VO, a user of another VO and a
 * JobAdministrator; a refusal on REST (403) is a FORBIDDEN tool error, a job REST search does
 * not show is a NOT_FOUND tool error, and nothing is changed by the destructive dry runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { call, PEOPLE, submitJob, type Person } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from './server.ts';

type Named = Exclude<Person, 'anonymous'>;
const WHO: Named[] = ['owner', 'sameGroup', 'otherVo', 'admin'];

let server: McpTestServer;
let job = 0;
const clients = new Map<Named, Client>();

beforeAll(async () => {
  server = await startMcpTestServer();
  job = await submitJob(server.app, 'owner');
  for (const who of WHO) {
    const [vo, group, user] = PEOPLE[who];
    const client = new Client({ name: `parity-${who}`, version: '1.0.0' });
    const token = await server.token(vo, group, user);
    await client.connect(new StreamableHTTPClientTransport(server.mcpUrl, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.set(who, client);
  }
});
afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.close()));
  await server.stop();
});

/** `ok`, or the error code at the start of a tool error's text. */
async function toolOutcome(who: Named, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await clients.get(who)!.callTool({ name, arguments: args });
  if (!result.isError) return 'ok';
  return String((result.content as { text: string }[])[0]?.text.split(':')[0]);
}

describe('MCP and REST agree', () => {
  it.each(WHO)('on changing the job, for %s (kill_jobs dry run vs PATCH /api/jobs/status)', async (who) => {
    const rest = await call(server.app, who, 'PATCH', '/api/jobs/status', { [job]: { '2030-01-01T00:00:00Z': { MinorStatus: 'parity check' } } });
    const mcp = await toolOutcome(who, 'kill_jobs', { job_ids: [job], dry_run: true });
    expect({ who, mcp }).toEqual({ who, mcp: rest.status === 403 ? 'FORBIDDEN' : 'ok' });
  });

  it.each(WHO)('on reading the job, for %s (get_job vs POST /api/jobs/search)', async (who) => {
    const rest = await call(server.app, who, 'POST', '/api/jobs/search', { search: [{ parameter: 'JobID', operator: 'eq', value: job }] });
    const mcp = await toolOutcome(who, 'get_job', { job_id: job });
    expect({ who, mcp }).toEqual({ who, mcp: (rest.body as unknown[]).length === 1 ? 'ok' : 'NOT_FOUND' });
  });

  it.each(WHO)('on reading the job sandboxes, for %s (get_job_jdl vs GET /api/jobs/{id}/sandbox)', async (who) => {
    const rest = await call(server.app, who, 'GET', `/api/jobs/${job}/sandbox`);
    const mcp = await toolOutcome(who, 'get_job_jdl', { job_id: job });
    expect({ who, mcp }).toEqual({ who, mcp: rest.status === 403 ? 'FORBIDDEN' : 'ok' });
  });

  it.each(WHO)('on rescheduling, for %s (reschedule_jobs dry run vs the WMS manage policy)', async (who) => {
    const rest = await call(server.app, who, 'PATCH', '/api/jobs/metadata', { [job]: { JobGroup: 'parity' } });
    const mcp = await toolOutcome(who, 'reschedule_jobs', { job_ids: [job], dry_run: true });
    expect({ who, mcp }).toEqual({ who, mcp: rest.status === 403 ? 'FORBIDDEN' : 'ok' });
  });

  it('lets the owner and the administrator act, and refuses the others (the matrix is not trivial)', async () => {
    const outcomes = await Promise.all(WHO.map((who) => toolOutcome(who, 'kill_jobs', { job_ids: [job], dry_run: true })));
    expect(outcomes).toEqual(['ok', 'FORBIDDEN', 'FORBIDDEN', 'ok']);
  });

  it('leaves the job as it was after all the dry runs', async () => {
    const res = await call(server.app, 'owner', 'POST', '/api/jobs/search', { parameters: ['Status', 'RescheduleCounter'], search: [{ parameter: 'JobID', operator: 'eq', value: job }] });
    expect(res.body).toEqual([{ Status: 'Received', RescheduleCounter: 0 }]);
  });
});
