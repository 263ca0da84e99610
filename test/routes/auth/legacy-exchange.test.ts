/**
 * The legacy exchange (`GET /api/auth/legacy-exchange`): disabled (503) without a hashed API
 * key; with one, legacy DIRAC's key mints a user's tokens whose refresh token does not rotate;
 * a malformed header is 400, a wrong key 401, an unknown user or scope 400.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sha256Hex } from '../../../src/logic/sha256.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import {
  bearer,
  CHAEN_SUB,
  claimsOf,
  DIRAC_CLIENT_ID,
  FIXTURE_TIMEOUT_MS,
  form,
  type TokenBody,
} from '../../harness/login.ts';

/** The key bytes are ASCII here, so their SHA-256 is that of the string. */
const API_KEY = 'legacy-dirac-secret-key-0123456789';
const CREDENTIALS = `Bearer diracx:legacy:${btoa(API_KEY).replaceAll('+', '-').replaceAll('/', '_')}`;

let enabled: TestApp;
let disabled: TestApp;
beforeAll(async () => {
  enabled = await createTestApp({ flows: { settings: { legacyExchangeHashedApiKey: await sha256Hex(API_KEY) } } });
  disabled = await createTestApp();
}, FIXTURE_TIMEOUT_MS);
afterAll(async () => {
  await enabled.dispose();
  await disabled.dispose();
}, FIXTURE_TIMEOUT_MS);

function exchange(app: TestApp, authorization: string, params: Record<string, string> = {}): Promise<Response> {
  const query = new URLSearchParams({ preferred_username: 'chaen', scope: 'vo:lhcb group:lhcb_user', ...params });
  return app.fetch(`/api/auth/legacy-exchange?${query}`, { headers: { authorization } });
}

describe('GET /api/auth/legacy-exchange', () => {
  it('answers 503 while no hashed API key is configured', async () => {
    const res = await exchange(disabled, 'Bearer diracx:legacy:ChangeME');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ detail: 'Legacy exchange is not enabled' });
  });

  it("mints the user's tokens for the right key, with a refresh token that lives the default hour", async () => {
    const res = await exchange(enabled, CREDENTIALS);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as TokenBody;
    const refresh = claimsOf(tokens.refresh_token!);
    expect(refresh.legacy_exchange).toBe(true);
    const lifetime = Number(refresh.exp) - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(3600 - 5);
    expect(lifetime).toBeLessThanOrEqual(3600);
    const userinfo = await enabled.fetch('/api/auth/userinfo', bearer(tokens.access_token));
    expect(await userinfo.json()).toMatchObject({
      sub: `lhcb:${CHAEN_SUB}`,
      dirac_group: 'lhcb_user',
      properties: ['NormalUser', 'PrivateLimitedDelegation'],
    });
  });

  it('gives the refresh token the lifetime asked for with expires_minutes', async () => {
    const tokens = (await (await exchange(enabled, CREDENTIALS, { expires_minutes: '1440' })).json()) as TokenBody;
    const lifetime = Number(claimsOf(tokens.refresh_token!).exp) - Date.now() / 1000;
    expect(lifetime).toBeGreaterThan(86400 - 5);
    expect(lifetime).toBeLessThanOrEqual(86400);
  });

  it('returns the same legacy refresh token on every refresh instead of rotating it', async () => {
    const initial = (await (await exchange(enabled, CREDENTIALS)).json()) as TokenBody;
    for (let i = 0; i < 2; i++) {
      const res = await enabled.fetch(
        '/api/auth/token',
        form({ grant_type: 'refresh_token', refresh_token: initial.refresh_token!, client_id: DIRAC_CLIENT_ID }),
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as TokenBody;
      expect(body.refresh_token).toBe(initial.refresh_token);
      expect(body.access_token).not.toBe(initial.access_token);
    }
  });

  it('stops refreshing a legacy token once it is revoked (DiracX ignores the revocation)', async () => {
    const initial = (await (await exchange(enabled, CREDENTIALS)).json()) as TokenBody;
    expect(
      (await enabled.fetch('/api/auth/revoke', form({ token: initial.refresh_token!, client_id: DIRAC_CLIENT_ID })))
        .status,
    ).toBe(200);
    const res = await enabled.fetch(
      '/api/auth/token',
      form({ grant_type: 'refresh_token', refresh_token: initial.refresh_token!, client_id: DIRAC_CLIENT_ID }),
    );
    expect(res.status).toBe(401);
  });

  it('answers a header not of the form "Bearer diracx:legacy:<base64url>" with 400', async () => {
    const res = await exchange(enabled, 'Bearer invalid');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Invalid authorization header' });
  });

  it('answers a wrong key with 401 "Invalid credentials"', async () => {
    const res = await exchange(enabled, 'Bearer diracx:legacy:ChangeME');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Invalid credentials' });
  });

  it.each([
    ['an unknown VO', { scope: 'vo:unknown group:lhcb_user' }],
    ['an unknown group', { scope: 'vo:lhcb group:unknown' }],
    ['an unknown user', { preferred_username: 'unknown' }],
  ])('answers %s with 400 "Invalid scope or preferred_username"', async (_what, params) => {
    const res = await exchange(enabled, CREDENTIALS, params);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Invalid scope or preferred_username' });
  });
});
