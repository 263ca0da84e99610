/**
 * Refresh-token management: listing and revoking one's own refresh tokens (everybody's with
 * ProxyManagement), and RFC 7009 revocation by the token itself, which answers 200 for
 * anything it cannot revoke.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  ALBDR_SUB,
  bearer,
  CHAEN_SUB,
  claimsOf,
  deviceLogin,
  DIRAC_CLIENT_ID,
  FIXTURE_TIMEOUT_MS,
  form,
  startLoginFixture,
  type LoginFixture,
  type TokenBody,
} from '../../harness/login.ts';

interface Entry {
  JTI: string;
  Status: number;
  Scope: string;
  Sub: string;
}

let fx: LoginFixture;
let chaen: TokenBody;
let manager: TokenBody;
beforeAll(async () => {
  fx = await startLoginFixture();
  chaen = await deviceLogin(fx, CHAEN_SUB, 'vo:lhcb');
  manager = await deviceLogin(fx, ALBDR_SUB, 'vo:lhcb group:lhcb_tokenmgr');
}, FIXTURE_TIMEOUT_MS);
afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

const jtiOf = (token: TokenBody): string => String(claimsOf(token.refresh_token!).jti);

async function list(accessToken: string): Promise<Entry[]> {
  const res = await fx.app.fetch('/api/auth/refresh-tokens', bearer(accessToken));
  expect(res.status).toBe(200);
  return (await res.json()) as Entry[];
}

function revokeById(accessToken: string, jti: string): Promise<Response> {
  return fx.app.fetch(`/api/auth/refresh-tokens/${jti}`, { method: 'DELETE', ...bearer(accessToken) });
}

function revoke(fields: Record<string, string>): Promise<Response> {
  return fx.app.fetch('/api/auth/revoke', form({ client_id: DIRAC_CLIENT_ID, ...fields }));
}

describe('GET /api/auth/refresh-tokens', () => {
  it("lists the caller's own tokens in DiracX's shape", async () => {
    expect(await list(chaen.access_token)).toEqual([
      { JTI: jtiOf(chaen), Status: 1, Scope: 'vo:lhcb', Sub: `lhcb:${CHAEN_SUB}` },
    ]);
  });

  it('lists every token, revoked ones included, to a holder of ProxyManagement', async () => {
    const extra = await deviceLogin(fx, CHAEN_SUB);
    expect((await revokeById(extra.access_token, jtiOf(extra))).status).toBe(200);
    const all = await list(manager.access_token);
    expect(all.map((e) => e.JTI)).toEqual(expect.arrayContaining([jtiOf(chaen), jtiOf(manager), jtiOf(extra)]));
    expect(all.find((e) => e.JTI === jtiOf(extra))?.Status).toBe(2);
    expect((await list(chaen.access_token)).map((e) => e.JTI)).not.toContain(jtiOf(extra));
  });
});

describe('DELETE /api/auth/refresh-tokens/{jti}', () => {
  it("refuses to revoke someone else's token with 403", async () => {
    const res = await revokeById(chaen.access_token, jtiOf(manager));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: 'Cannot revoke a refresh token owned by someone else' });
  });

  it("lets a holder of ProxyManagement revoke someone else's token", async () => {
    const victim = await deviceLogin(fx, CHAEN_SUB);
    const res = await revokeById(manager.access_token, jtiOf(victim));
    expect(res.status).toBe(200);
    expect(await res.json()).toBe('Refresh token revoked');
  });

  it('revokes an own token, and answers 200 again for the same token, as DiracX does', async () => {
    const own = await deviceLogin(fx, CHAEN_SUB);
    expect((await revokeById(own.access_token, jtiOf(own))).status).toBe(200);
    expect((await revokeById(own.access_token, jtiOf(own).replaceAll('-', '').toUpperCase())).status).toBe(200);
  });

  it('answers a jti that is not a UUID with 400 and an unknown one with 404', async () => {
    const bad = await revokeById(chaen.access_token, 'does-not-exist');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ detail: 'badly formed hexadecimal UUID string' });
    const unknown = await revokeById(chaen.access_token, '0190a9b4-0000-7000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'Token 0190a9b4-0000-7000-8000-000000000000 not found' });
  });
});

describe('POST /api/auth/revoke', () => {
  it('revokes the refresh token it is given; the token then no longer refreshes', async () => {
    const own = await deviceLogin(fx, CHAEN_SUB);
    const res = await revoke({ token: own.refresh_token! });
    expect(res.status).toBe(200);
    expect(await res.json()).toBe('Refresh token revoked');
    expect((await list(own.access_token)).map((e) => e.JTI)).not.toContain(jtiOf(own));
    const again = await fx.app.fetch(
      '/api/auth/token',
      form({ grant_type: 'refresh_token', refresh_token: own.refresh_token!, client_id: DIRAC_CLIENT_ID }),
    );
    expect(again.status).toBe(401);
  });

  it('answers 200 for a token that does not exist or is not a refresh token (RFC 7009 §2.2)', async () => {
    expect((await revoke({ token: 'does-not-exist' })).status).toBe(200);
    expect((await revoke({ token: manager.access_token })).status).toBe(200);
    expect((await revoke({ token: manager.access_token, token_type_hint: 'invalid_token_type' })).status).toBe(200);
    expect((await list(manager.access_token)).map((e) => e.JTI)).toContain(jtiOf(manager));
  });

  it('answers 200 for an expired refresh token (DiracX: 500)', async () => {
    const own = await deviceLogin(fx, CHAEN_SUB);
    fx.clock.advance(61 * 60);
    try {
      expect((await revoke({ token: own.refresh_token! })).status).toBe(200);
    } finally {
      fx.clock.advance(-61 * 60);
    }
  });

  it('refuses the access_token hint with 400 unsupported_token_type', async () => {
    const res = await revoke({ token: manager.access_token, token_type_hint: 'access_token' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'unsupported_token_type' });
  });

  it('refuses another client id with 401 "Unrecognised client_id"', async () => {
    const res = await revoke({ token: chaen.refresh_token!, client_id: 'a_wrong_dirac_client_id' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: 'Unrecognised client_id' });
  });

  it('answers a JSON body with 415 rather than a server error', async () => {
    const res = await fx.app.fetch('/api/auth/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'x' }),
    });
    expect(res.status).toBe(415);
  });
});
