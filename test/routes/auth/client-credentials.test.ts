/**
 * The client_credentials grant at POST /api/auth/token: a service client logs in with its
 * secret (form or HTTP Basic) or a private_key_jwt assertion and gets a short access token
 * without refresh token, which the API accepts as the client's user; wrong secrets, unknown
 * clients, replayed assertions and properties beyond the group are refused with OAuth errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { ConfigStore, createConfigSnapshot } from '../../../src/config/store.ts';
import { JWT_BEARER_ASSERTION } from '../../../src/logic/auth/clients/client-credentials.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { TEST_ISSUER } from '../../harness/auth.ts';
import { createServiceClientFixture, SECRET_CLIENT, type ServiceClientFixture } from '../../harness/service-clients.ts';

/** Our token endpoint under the configured issuer: what assertions name (not the host the request came to). */
const TOKEN_URL = `${TEST_ISSUER}/api/auth/token`;
let app: TestApp;
let fixture: ServiceClientFixture;
beforeAll(async () => {
  fixture = await createServiceClientFixture();
  const snapshot = await createConfigSnapshot(fixture.raw, JSON.stringify(fixture.raw), new Date());
  app = await createTestApp({ config: new ConfigStore(snapshot) });
});
afterAll(() => app.dispose());

async function token(
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await app.fetch('/api/auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...form }).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const whoami = async (accessToken: string): Promise<Record<string, unknown>> =>
  (await (
    await app.fetch('/api/auth/userinfo', { headers: { authorization: `Bearer ${accessToken}` } })
  ).json()) as Record<string, unknown>;

describe('client_credentials at the token endpoint', () => {
  it('issues a token for a client secret in the form, usable on the API as the client user', async () => {
    const res = await token({ client_id: SECRET_CLIENT, client_secret: fixture.secret });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    expect(res.body).not.toHaveProperty('refresh_token');
    expect(await whoami(String(res.body.access_token))).toMatchObject({
      preferred_username: 'chaen',
      vo: 'lhcb',
      dirac_group: 'lhcb_user',
    });
  });

  it('accepts the secret in HTTP Basic', async () => {
    const basic = btoa(`${SECRET_CLIENT}:${fixture.secret}`);
    const res = await token({}, { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
  });

  it('issues a token for a private_key_jwt assertion addressed to the token endpoint, once', async () => {
    const assertion = await fixture.assertion(TOKEN_URL);
    const first = await token({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion });
    expect(first.status).toBe(200);
    expect(await whoami(String(first.body.access_token))).toMatchObject({
      preferred_username: 'albdr',
      properties: ['NormalUser'],
    });
    const replay = await token({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a wrong secret and an unknown client with 401 invalid_client', async () => {
    for (const form of [
      { client_id: SECRET_CLIENT, client_secret: 'wrong' },
      { client_id: 'nobody', client_secret: fixture.secret },
    ]) {
      const res = await token(form);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_client' });
    }
  });

  it('refuses properties beyond the group with 400 invalid_scope', async () => {
    const res = await token({
      client_id: SECRET_CLIENT,
      client_secret: fixture.secret,
      scope: 'property:JobAdministrator',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_scope' });
  });

  it('lets the agent act on the jobs API under the WMS policy', async () => {
    const { body } = await token({ client_id: SECRET_CLIENT, client_secret: fixture.secret });
    const res = await app.fetch('/api/jobs/jdl', {
      method: 'POST',
      headers: { authorization: `Bearer ${String(body.access_token)}`, 'content-type': 'application/json' },
      body: JSON.stringify(['[Executable = "agent-job";]']),
    });
    expect(res.status).toBe(201);
  });

  it('is advertised in the OpenID configuration', async () => {
    const doc = (await (await app.fetch('/.well-known/openid-configuration')).json()) as {
      grant_types_supported: string[];
    };
    expect(doc.grant_types_supported).toContain('client_credentials');
  });
});
