/**
 * Attack: an MCP host replays the access token it got for `/mcp` (RFC 8707 audience = the
 * public /mcp URL) against the REST API, where no tool description, confirmation or audit line
 * stands between it and the person's jobs. A token issued for /mcp is accepted only at /mcp:
 * every REST route that needs a token answers 401 with `WWW-Authenticate: Bearer
 * error="invalid_token"` and changes nothing. REST accepts DiracX's tokens (no audience) and
 * tokens for our issuer; /mcp accepts neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createApiApp } from '../../src/routes/api-app.ts';
import { TEST_ISSUER } from '../harness/auth.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

const MCP_URL = `${TEST_ISSUER}/mcp`;
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.dispose());

const concrete = (path: string): string => path.replace(/:(\w+)/g, '1');
const chaen = (audience?: string): Promise<string> =>
  app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', audience === undefined ? {} : { audience });

function rest(token: string, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return app.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

function mcp(token: string): Promise<Response> {
  return app.handler(
    new Request(MCP_URL, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
    }),
  );
}

async function jobStatus(jobId: number): Promise<string> {
  const res = await rest(await chaen(), 'POST', '/api/jobs/search', {
    parameters: ['JobID', 'Status'],
    search: [{ parameter: 'JobID', operator: 'eq', value: jobId }],
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { Status: string }[])[0]!.Status;
}

describe('a token issued for /mcp at the REST API', () => {
  it('is refused with 401 invalid_token on every route that needs a token', async () => {
    const token = await chaen(MCP_URL);
    const routes = createApiApp(app.apiDeps)
      .catalogue.entries()
      .filter((e) => e.access.kind !== 'public');
    expect(routes.length).toBeGreaterThan(20);
    for (const { method, path } of routes) {
      const res = await rest(token, method, concrete(path));
      const who = `${method} ${path}`;
      expect({ who, status: res.status }).toEqual({ who, status: 401 });
      expect({ who, challenge: res.headers.get('www-authenticate') ?? '' }).toEqual({
        who,
        challenge: expect.stringMatching(/^Bearer error="invalid_token"/),
      });
      expect({ who, body: await res.json() }).toEqual({ who, body: { detail: 'Invalid JWT' } });
    }
  });

  it('changes nothing: a kill with it leaves the job as it was', async () => {
    const submitted = await rest(await chaen(), 'POST', '/api/jobs/jdl', ['[Executable = "echo";]']);
    expect(submitted.status).toBeLessThan(300);
    const jobId = ((await submitted.json()) as { JobID: number }[])[0]!.JobID;
    const before = await jobStatus(jobId);
    const kill = await rest(await chaen(MCP_URL), 'PATCH', '/api/jobs/status', {
      [jobId]: { [new Date().toISOString()]: { Status: 'Killed' } },
    });
    expect(kill.status).toBe(401);
    expect(await jobStatus(jobId)).toBe(before);
    expect(before).not.toBe('Killed');
  });
});

describe('the tokens each side accepts', () => {
  it('REST accepts DiracX tokens (no audience) and tokens for our issuer', async () => {
    expect((await rest(await chaen(), 'GET', '/api/auth/userinfo')).status).toBe(200);
    expect((await rest(await chaen(TEST_ISSUER), 'GET', '/api/auth/userinfo')).status).toBe(200);
  });

  it('/mcp accepts its own tokens only: not DiracX tokens, not tokens for our issuer', async () => {
    expect((await mcp(await chaen(MCP_URL))).status).toBe(200);
    for (const token of [await chaen(), await chaen(TEST_ISSUER)]) {
      const res = await mcp(token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate') ?? '').toStartWith('Bearer error="invalid_token"');
    }
  });
});
