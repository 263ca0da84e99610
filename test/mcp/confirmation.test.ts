/**
 * Confirmation of destructive calls over MCP with a 2026-07-28 client that can elicit: a call
 * touching more jobs than the threshold answers input_required; the SDK client asks its
 * handler (the person) and retries; a declined confirmation changes nothing, an accepted one
 * changes exactly the listed jobs, and a dry run never asks. A 2025-era client is not asked
 * (its elicitation needs an event stream our stateless leg does not keep): its first call
 * changes nothing and answers a confirmation token, and only a second call carrying it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { call, submitJob } from '../routes/jobs/harness.ts';
import { startMcpTestServer, type McpTestServer } from './server.ts';

let server: McpTestServer;
let asked: string[] = [];
let answer: 'accept' | 'decline' = 'decline';

async function modernClient(): Promise<Client> {
  const client = new Client(
    { name: 'person', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  client.setRequestHandler('elicitation/create', async (request) => {
    asked.push(String((request.params as { message?: string }).message ?? ''));
    return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
  });
  const token = await server.token('lhcb', 'lhcb_user', 'chaen');
  await client.connect(
    new StreamableHTTPClientTransport(server.mcpUrl, {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

const statuses = async (ids: number[]): Promise<string[]> => {
  const res = await call(server.app, 'owner', 'POST', '/api/jobs/search', {
    parameters: ['JobID', 'Status'],
    search: [{ parameter: 'JobID', operator: 'in', values: ids }],
    sort: [{ parameter: 'JobID', direction: 'asc' }],
  });
  return (res.body as { Status: string }[]).map((r) => r.Status);
};

beforeAll(async () => {
  server = await startMcpTestServer({ confirmThreshold: 1 });
});
afterAll(() => server.stop());

describe('confirmation of destructive MCP calls (2026-07-28 elicitation)', () => {
  it('changes nothing when the person declines', async () => {
    const ids = [await submitJob(server.app, 'owner'), await submitJob(server.app, 'owner')];
    asked = [];
    answer = 'decline';
    const client = await modernClient();
    const result = await client.callTool({ name: 'kill_jobs', arguments: { job_ids: ids } });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(String(ids[0]));
    expect(result.isError).toBe(true);
    expect(await statuses(ids)).toEqual(['Received', 'Received']);
    await client.close();
  });

  it('changes exactly the listed jobs when the person accepts', async () => {
    const ids = [await submitJob(server.app, 'owner'), await submitJob(server.app, 'owner')];
    const untouched = await submitJob(server.app, 'owner');
    asked = [];
    answer = 'accept';
    const client = await modernClient();
    const result = await client.callTool({ name: 'kill_jobs', arguments: { job_ids: ids } });
    expect(asked).toHaveLength(1);
    expect(result.isError).toBeFalsy();
    expect(await statuses([...ids, untouched])).toEqual(['Killed', 'Killed', 'Received']);
    await client.close();
  });

  it('never asks for a dry run', async () => {
    const ids = [await submitJob(server.app, 'owner'), await submitJob(server.app, 'owner')];
    asked = [];
    const client = await modernClient();
    const result = await client.callTool({ name: 'kill_jobs', arguments: { job_ids: ids, dry_run: true } });
    expect(result.isError).toBeFalsy();
    expect(asked).toEqual([]);
    expect(await statuses(ids)).toEqual(['Received', 'Received']);
    await client.close();
  });
});

describe('destructive MCP calls from a 2025-era client that declares elicitation', () => {
  it('answers a confirmation token at once, pushing no question a stateless JSON answer cannot carry, and runs only ' +
    'with the token', async () => {
    const ids = [await submitJob(server.app, 'owner'), await submitJob(server.app, 'owner')];
    const client = new LegacyClient({ name: 'v1-person', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    let pushed = 0;
    client.setRequestHandler(ElicitRequestSchema, async () => {
      pushed++;
      return { action: 'accept', content: { confirm: true } };
    });
    const token = await server.token('lhcb', 'lhcb_user', 'chaen');
    await client.connect(
      new LegacyTransport(server.mcpUrl, { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
    );
    try {
      // Pushing the question used to leave the call waiting until the client timed out (60 s).
      const preview = await client.callTool({ name: 'kill_jobs', arguments: { job_ids: ids } }, undefined, {
        timeout: 10_000,
      });
      expect(preview.isError).toBeFalsy();
      expect(pushed).toBe(0);
      expect(await statuses(ids)).toEqual(['Received', 'Received']);
      const token = (preview.structuredContent as { confirmation_token?: string }).confirmation_token;
      expect(token).toBeString();
      const result = await client.callTool(
        { name: 'kill_jobs', arguments: { job_ids: ids, confirmation_token: token } },
        undefined,
        { timeout: 10_000 },
      );
      expect(result.isError).toBeFalsy();
      expect(await statuses(ids)).toEqual(['Killed', 'Killed']);
    } finally {
      await client.close();
    }
  }, 20_000);
});
