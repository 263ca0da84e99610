/**
 * Attack: multiplying the /mcp rate limit with JSON-RPC batches. The 2025-era leg accepts a
 * batch (an array of requests, 2025-03-26), and the limit counted HTTP requests, so one request
 * carrying hundreds of tool calls cost one slot. A batch now costs its calls: one that does not
 * fit in the caller's remaining budget is refused whole with 429 and Retry-After before any of
 * its calls runs (no audit line, no change), and one that fits uses up as many slots as it has
 * calls. Several OAuth clients of one person share a budget of a few times the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { decodeJwt } from 'jose';
import { GROUP_BUDGET_FACTOR } from '../../src/logic/auth/rate-limit.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { call, submitJob } from '../routes/jobs/harness.ts';

const RESOURCE = 'http://mcp.test/mcp';
const LIMIT = 3;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({
    issuer: 'http://mcp.test',
    mcp: {
      resourceUrl: RESOURCE,
      allowedHosts: ['mcp.test'],
      allowedOrigins: [],
      confirmThreshold: 100,
      rateLimitPerMinute: LIMIT,
    },
  });
});
afterAll(() => app.dispose());

/** A /mcp token of `user`, issued to the OAuth client `clientId` when given. */
async function tokenOf(user: string, clientId?: string): Promise<string> {
  const token = await app.tokens.tokenFor('lhcb', 'lhcb_user', user, { audience: RESOURCE });
  return clientId ? app.tokens.sign({ ...decodeJwt(token), client_id: clientId }) : token;
}

const callOf = (id: number, name: string, args: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

async function post(token: string, body: unknown): Promise<Response> {
  return app.handler(
    new Request(RESOURCE, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-03-26',
      },
      body: JSON.stringify(body),
    }),
  );
}

const toolCalls = (from: number): number => app.logs.slice(from).filter((l) => l.msg === 'tool call').length;

async function statusOf(jobId: number): Promise<string> {
  const res = await call(app, 'owner', 'POST', '/api/jobs/search', {
    parameters: ['Status'],
    search: [{ parameter: 'JobID', operator: 'eq', value: jobId }],
  });
  return (res.body as { Status: string }[])[0]!.Status;
}

describe('JSON-RPC batches at /mcp', () => {
  it('refuses a batch of more calls than the limit whole, running none of them', async () => {
    const token = await tokenOf('chaen');
    const job = await submitJob(app, 'owner');
    const before = app.logs.length;
    const batch = [
      callOf(1, 'kill_jobs', { job_ids: [job] }),
      ...Array.from({ length: 9 }, (_, i) => callOf(i + 2, 'whoami', {})),
    ];
    const res = await post(token, batch);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toEqual({ detail: 'Too many requests' });
    expect(toolCalls(before)).toBe(0);
    expect(await statusOf(job)).toBe('Received');
  });

  it('charges a batch that fits one slot per call: the next call past the limit is refused', async () => {
    const token = await tokenOf('albdr');
    const before = app.logs.length;
    const ok = await post(token, [callOf(1, 'whoami', {}), callOf(2, 'whoami', {}), callOf(3, 'whoami', {})]);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as unknown[]).length).toBe(LIMIT);
    expect(toolCalls(before)).toBe(LIMIT);
    const next = await post(token, callOf(4, 'whoami', {}));
    expect(next.status).toBe(429);
    expect(toolCalls(before)).toBe(LIMIT);
  });

  it('refuses a batch bigger than what is left of the budget, though a single call would fit', async () => {
    const token = await tokenOf('lhcbadmin');
    expect((await post(token, callOf(1, 'whoami', {}))).status).toBe(200);
    const before = app.logs.length;
    expect(
      (await post(token, [callOf(2, 'whoami', {}), callOf(3, 'whoami', {}), callOf(4, 'whoami', {})])).status,
    ).toBe(429);
    expect(toolCalls(before)).toBe(0);
    expect((await post(token, [callOf(5, 'whoami', {}), callOf(6, 'whoami', {})])).status).toBe(200);
    expect(toolCalls(before)).toBe(2);
  });

  it('gives one person at most a few clients worth of calls however many OAuth clients their tokens name', async () => {
    let served = 0;
    for (let i = 0; i < GROUP_BUDGET_FACTOR * 2; i++) {
      const token = await tokenOf('chaen', `made-up-client-${i}`);
      for (let j = 0; j < LIMIT; j++) if ((await post(token, callOf(j, 'whoami', {}))).status === 200) served++;
    }
    // chaen's own client already spent nothing (its batch was refused); every other client gets
    // LIMIT until the budget is gone.
    expect(served).toBe(LIMIT * GROUP_BUDGET_FACTOR);
  });
});
