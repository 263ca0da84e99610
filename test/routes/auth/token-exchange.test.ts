/**
 * RFC 8693 token exchange at POST /api/auth/token: a DiracX access token (REST, no audience)
 * becomes one bound to /mcp for the same user, VO, group and properties, living no longer than
 * the subject, without a refresh token. Subject tokens that are expired, signed with another key,
 * altered, refresh tokens or of a user no longer in the group are 400 invalid_request; targets
 * other than /mcp invalid_target; scope beyond the subject invalid_scope; unknown clients 401
 * invalid_client. A refused exchange issues nothing (no "token exchanged" log line).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { decodeProtectedHeader } from 'jose';
import type { Config } from '../../../src/config/schema.ts';
import { generateKeystore } from '../../../src/logic/auth/tokens/keystore.ts';
import { issueAccessToken } from '../../../src/logic/auth/tokens/tokens.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { TEST_ISSUER } from '../../harness/auth.ts';
import { CHAEN_SUB, claimsOf } from '../../harness/login.ts';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS = 'urn:ietf:params:oauth:token-type:access_token';

let app: TestApp;
let mcpUrl: string;
beforeAll(async () => {
  app = await createTestApp();
  mcpUrl = `${TEST_ISSUER}/mcp`;
});
afterAll(() => app.dispose());

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function exchange(fields: Record<string, string>): Promise<Answer> {
  const res = await app.fetch('/api/auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: GRANT, subject_token_type: ACCESS, ...fields }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const chaenToken = (options: { lifetimeSeconds?: number; audience?: string } = {}): Promise<string> =>
  app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', options);

const exchangesLogged = (): number => app.logs.filter((line) => line.msg === 'token exchanged').length;

/** Expects `answer` to be the OAuth error `error` with HTTP `status`, and no token issued since `before`. */
function expectRefused(answer: Answer, status: number, error: string, before: number): void {
  expect(answer.status).toBe(status);
  expect(answer.body.error).toBe(error);
  expect(answer.body).not.toHaveProperty('access_token');
  expect(exchangesLogged()).toBe(before);
}

describe('token exchange: a DiracX access token for one bound to /mcp', () => {
  it('issues an /mcp token for the same user, VO, group and properties, without a refresh token', async () => {
    const subject = await chaenToken();
    const res = await exchange({ subject_token: subject, resource: mcpUrl });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ issued_token_type: ACCESS, token_type: 'Bearer' });
    expect(res.body).not.toHaveProperty('refresh_token');
    const token = String(res.body.access_token);
    const before = claimsOf(subject);
    const after = claimsOf(token);
    expect(after).toMatchObject({
      sub: `lhcb:${CHAEN_SUB}`,
      vo: 'lhcb',
      dirac_group: 'lhcb_user',
      preferred_username: 'chaen',
      iss: TEST_ISSUER,
      aud: mcpUrl,
    });
    expect([...(after.dirac_properties as string[])].sort()).toEqual([...(before.dirac_properties as string[])].sort());
    expect(after).not.toHaveProperty('client_id');
    expect(Number(after.exp)).toBeLessThanOrEqual(Number(before.exp));
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'JWT', kid: app.tokens.keystore.keys[0]?.kid });
  });

  it('targets /mcp when neither resource nor audience is given, and accepts audience alone', async () => {
    for (const fields of [{}, { audience: mcpUrl }] as Record<string, string>[]) {
      const res = await exchange({ subject_token: await chaenToken(), ...fields });
      expect(res.status).toBe(200);
      expect(claimsOf(String(res.body.access_token)).aud).toBe(mcpUrl);
    }
  });

  it('yields a token the REST API refuses: it is bound to /mcp', async () => {
    const res = await exchange({ subject_token: await chaenToken() });
    const token = String(res.body.access_token);
    const rest = await app.fetch('/api/auth/userinfo', { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(401);
  });

  it('never outlives the subject token', async () => {
    const res = await exchange({ subject_token: await chaenToken({ lifetimeSeconds: 90 }) });
    expect(res.status).toBe(200);
    expect(Number(res.body.expires_in)).toBeLessThanOrEqual(90);
    expect(Number(res.body.expires_in)).toBeGreaterThan(0);
  });

  it('narrows the properties to those scope names, and refuses any beyond the subject (invalid_scope)', async () => {
    const narrowed = await exchange({ subject_token: await chaenToken(), scope: 'vo:lhcb property:NormalUser' });
    expect(narrowed.status).toBe(200);
    expect(claimsOf(String(narrowed.body.access_token)).dirac_properties).toEqual(['NormalUser']);
    const before = exchangesLogged();
    for (const scope of ['property:JobAdministrator', 'group:lhcb_admin', 'vo:gridpp', 'openid']) {
      expectRefused(await exchange({ subject_token: await chaenToken(), scope }), 400, 'invalid_scope', before);
    }
  });

  it('names a registered client in the token, and refuses an unknown client with 401 invalid_client', async () => {
    const registration = await app.fetch('/api/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:3000/callback'], client_name: 'agent' }),
    });
    expect(registration.status).toBe(201);
    const clientId = String(((await registration.json()) as Record<string, unknown>).client_id);
    const res = await exchange({ subject_token: await chaenToken(), client_id: clientId });
    expect(res.status).toBe(200);
    expect(claimsOf(String(res.body.access_token)).client_id).toBe(clientId);
    const before = exchangesLogged();
    expectRefused(
      await exchange({ subject_token: await chaenToken(), client_id: 'nobody' }),
      401,
      'invalid_client',
      before,
    );
  });

  it('refuses subject tokens that are expired, foreign, altered or refresh tokens (invalid_request)', async () => {
    const foreign = await issueAccessToken(
      await generateKeystore(),
      TEST_ISSUER,
      {
        vo: 'lhcb',
        group: 'lhcb_user',
        properties: ['NormalUser'],
        idpSub: CHAEN_SUB,
        preferredUsername: 'chaen',
        lifetimeSeconds: 600,
      },
      new Date(),
    );
    const valid = await chaenToken();
    const [header, payload, signature] = valid.split('.');
    const claims = { ...claimsOf(valid), dirac_group: 'lhcb_admin' };
    const altered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const refresh = await app.tokens.sign({
      jti: crypto.randomUUID(),
      exp: Math.floor(Date.now() / 1000) + 600,
      legacy_exchange: false,
      dirac_policies: {},
    });
    const before = exchangesLogged();
    for (const subject of [
      await chaenToken({ lifetimeSeconds: -60 }),
      foreign.token,
      altered,
      refresh,
      `${header}.${payload}`,
      'not-a-jwt',
    ]) {
      expectRefused(await exchange({ subject_token: subject }), 400, 'invalid_request', before);
    }
  });

  it('refuses a subject token issued for another audience (invalid_request)', async () => {
    const before = exchangesLogged();
    const elsewhere = await chaenToken({ audience: 'https://elsewhere.example/mcp' });
    expectRefused(await exchange({ subject_token: elsewhere }), 400, 'invalid_request', before);
  });

  it('refuses the subject of a user no longer in the group (invalid_request)', async () => {
    const subject = await chaenToken();
    const snapshot = app.config.current();
    const config = structuredClone(snapshot.config) as Config;
    const group = config.Registry.lhcb?.Groups.lhcb_user;
    if (!group) throw new Error('the development configuration has no lhcb_user group');
    group.Users = group.Users.filter((user) => user !== CHAEN_SUB);
    app.config.replace({ ...snapshot, config });
    try {
      const before = exchangesLogged();
      const res = await exchange({ subject_token: subject });
      expectRefused(res, 400, 'invalid_request', before);
      expect(String(res.body.error_description)).toContain('not a member');
    } finally {
      app.config.replace(snapshot);
    }
  });

  it('refuses wrong token types and delegation (invalid_request)', async () => {
    const subject = await chaenToken();
    const before = exchangesLogged();
    for (const fields of [
      { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' },
      { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' },
      { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' },
      { actor_token: subject, actor_token_type: ACCESS },
    ] as Record<string, string>[]) {
      expectRefused(await exchange({ subject_token: subject, ...fields }), 400, 'invalid_request', before);
    }
  });

  it('refuses targets other than /mcp (invalid_target), the REST API included', async () => {
    const subject = await chaenToken();
    const before = exchangesLogged();
    for (const fields of [
      { resource: TEST_ISSUER },
      { resource: 'https://elsewhere.example/mcp' },
      { audience: 'https://elsewhere.example/mcp' },
      { resource: mcpUrl, audience: TEST_ISSUER },
    ] as Record<string, string>[]) {
      expectRefused(await exchange({ subject_token: subject, ...fields }), 400, 'invalid_target', before);
    }
  });

  it('answers a form without subject_token with a FastAPI-style 422', async () => {
    const res = await exchange({});
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body.detail)).toContain('subject_token');
  });

  it('is listed in both discovery documents', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const doc = (await (await app.fetch(path)).json()) as { grant_types_supported: string[] };
      expect(doc.grant_types_supported).toContain(GRANT);
    }
  });
});
