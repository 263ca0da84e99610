/**
 * `POST /api/auth/register` (RFC 7591) as MCP hosts use it: Claude Code (loopback http with a
 * port), Claude Desktop / claude.ai (https callback) and Cursor (native scheme) register with
 * `scope: openid profile email offline_access` and get a public client (201, no secret);
 * bad metadata is 400 with RFC 7591 errors, a non-JSON body 400, an oversized one 413, too
 * many registrations from one address 429 with Retry-After. A registration past its lifetime
 * is not resolved (injected clock), using it extends it, the clean-up deletes it. The RFC 8414
 * metadata advertises the endpoint and client ID metadata documents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { cleanupExpiredAuthData } from '../../../src/logic/auth/cleanup.ts';
import { resolveClient } from '../../../src/logic/auth/clients/clients.ts';
import { flowContext } from '../../../src/routes/auth/flow-support.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { TEST_ISSUER } from '../../harness/auth.ts';
import { FIXTURE_TIMEOUT_MS, TestClock } from '../../harness/login.ts';
import { oauthClientNames } from '../../harness/auth-rows.ts';

const MCP_SCOPE = 'openid profile email offline_access';
const DAY_S = 86_400;

const post = (app: TestApp, body: string | object, headers: Record<string, string> = {}, address = '192.0.2.10') =>
  app.handler(
    new Request('http://test/api/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    { remoteAddress: address },
  );

let app: TestApp;
const clock = new TestClock();
beforeAll(async () => {
  app = await createTestApp({
    flows: { now: clock.now, settings: { registrationRateLimitPerMinute: 1000, clientRegistrationTtlDays: 30 } },
  });
}, FIXTURE_TIMEOUT_MS);
afterAll(() => app.dispose(), FIXTURE_TIMEOUT_MS);

describe('POST /api/auth/register', () => {
  it.each([
    ['Claude Code', 'http://localhost:54212/callback'],
    ['Claude Desktop', 'https://claude.ai/api/mcp/auth_callback'],
    ['Cursor', 'cursor://anysphere.cursor-retrieval/oauth/user-mcp/callback'],
  ])('registers %s as a public client (201, no secret)', async (name, redirect) => {
    const res = await post(app, {
      client_name: name,
      redirect_uris: [redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: MCP_SCOPE,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_id_issued_at: expect.any(Number),
      client_name: name,
      redirect_uris: [redirect],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    const client = await resolveClient(flowContext(app.apiDeps), body.client_id as string);
    expect(client).toMatchObject({ kind: 'registered', clientName: name, redirectUris: [redirect] });
  });

  it('accepts a minimal registration (only redirect_uris), whatever the content type says', async () => {
    const res = await post(app, { redirect_uris: ['http://127.0.0.1:33418/'] }, { 'content-type': 'text/plain' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    });
  });

  it.each([
    ['a javascript: redirect', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
    ['http on a public host', { redirect_uris: ['http://mcp.example/callback'] }, 'invalid_redirect_uri'],
    ['a fragment', { redirect_uris: ['https://claude.ai/api/mcp/auth_callback#x'] }, 'invalid_redirect_uri'],
    [
      'too many redirect URIs',
      { redirect_uris: Array.from({ length: 11 }, (_, i) => `http://127.0.0.1/${i}`) },
      'invalid_redirect_uri',
    ],
    ['no redirect URIs', { client_name: 'x', scope: MCP_SCOPE }, 'invalid_redirect_uri'],
    [
      'client_secret_basic',
      { redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], token_endpoint_auth_method: 'client_secret_basic' },
      'invalid_client_metadata',
    ],
    [
      'the client_credentials grant',
      { redirect_uris: ['https://claude.ai/api/mcp/auth_callback'], grant_types: ['client_credentials'] },
      'invalid_client_metadata',
    ],
  ])('refuses %s with 400 %s', async (_, body, error) => {
    const res = await post(app, body);
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const answer = (await res.json()) as Record<string, unknown>;
    expect(answer).toEqual({ error, error_description: expect.any(String) });
  });

  it('refuses a body that is not JSON with 400 invalid_client_metadata', async () => {
    const res = await post(app, 'redirect_uris=https://a.example/cb', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'The request body is not valid JSON',
    });
    const empty = await post(app, '');
    expect(empty.status).toBe(400);
  });

  it('refuses a body over 16 KiB with 413, declared or not', async () => {
    const big = JSON.stringify({
      redirect_uris: ['https://a.example/cb'],
      client_name: 'x',
      padding: 'y'.repeat(20_000),
    });
    const declared = await post(app, big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: 'invalid_client_metadata' });
    const chunks = [new TextEncoder().encode(big)];
    const streamed = await app.handler(
      new Request('http://test/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          pull(controller) {
            const next = chunks.shift();
            if (next) controller.enqueue(next);
            else controller.close();
          },
        }),
      }),
    );
    expect(streamed.status).toBe(413);
  });

  it('makes a registration expire unused; a use extends it; the clean-up deletes it (injected clock)', async () => {
    const register = async (name: string) =>
      (
        (await (
          await post(app, { client_name: name, redirect_uris: ['http://127.0.0.1/cb'], scope: MCP_SCOPE })
        ).json()) as { client_id: string }
      ).client_id;
    const kept = await register('kept');
    const dropped = await register('dropped');
    clock.advance(25 * DAY_S);
    expect(await resolveClient(flowContext(app.apiDeps), kept)).toMatchObject({ kind: 'registered' });
    clock.advance(10 * DAY_S);
    expect(await resolveClient(flowContext(app.apiDeps), dropped)).toBeUndefined();
    expect(await resolveClient(flowContext(app.apiDeps), kept)).toMatchObject({ kind: 'registered' });
    const flows = app.apiDeps.auth.flows;
    const result = await cleanupExpiredAuthData({
      database: app.database,
      settings: flows.settings,
      now: flows.now,
      log: app.apiDeps.log,
    });
    expect(result.registeredClients).toBeGreaterThanOrEqual(1);
    const names = await oauthClientNames(app.database);
    expect(names).toContain('kept');
    expect(names).not.toContain('dropped');
  });
});

describe('registration rate limit', () => {
  let limited: TestApp;
  const limitedClock = new TestClock();
  beforeAll(async () => {
    limited = await createTestApp({
      flows: { now: limitedClock.now, settings: { registrationRateLimitPerMinute: 2 } },
    });
  }, FIXTURE_TIMEOUT_MS);
  afterAll(() => limited.dispose(), FIXTURE_TIMEOUT_MS);

  it('answers 429 with Retry-After past the per-address limit, per address, and again after the window', async () => {
    const body = { redirect_uris: ['http://127.0.0.1/cb'] };
    expect((await post(limited, body, {}, '198.51.100.1')).status).toBe(201);
    expect((await post(limited, { redirect_uris: ['javascript:x'] }, {}, '198.51.100.1')).status).toBe(400);
    const refused = await post(limited, body, {}, '198.51.100.1');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await post(limited, body, {}, '198.51.100.2')).status).toBe(201);
    limitedClock.advance(61);
    expect((await post(limited, body, {}, '198.51.100.1')).status).toBe(201);
  });
});

describe('GET /.well-known/oauth-authorization-server', () => {
  it('advertises dynamic registration, client ID metadata documents, public clients and S256', async () => {
    const res = await app.handler(new Request('https://diracx.example/.well-known/oauth-authorization-server'));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      registration_endpoint: `${TEST_ISSUER}/api/auth/register`,
      authorization_endpoint: `${TEST_ISSUER}/api/auth/authorize`,
      token_endpoint: `${TEST_ISSUER}/api/auth/token`,
      client_id_metadata_document_supported: true,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
    });
    expect(doc.token_endpoint_auth_methods_supported).toEqual([
      'none',
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ]);
    expect(doc.grant_types_supported).toEqual([
      'authorization_code',
      'urn:ietf:params:oauth:grant-type:device_code',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
  });
});
