/**
 * The refresh_token grant: rotation keeps the absolute expiry, a reused (rotated-out) token
 * revokes the whole family of the subject, and refusals of tokens that are not ours, expired
 * or not refresh tokens come with DiracX's joserfc-style details.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { decodeProtectedHeader } from 'jose';
import { generateKeystore } from '../../../src/logic/auth/tokens/keystore.ts';
import { signToken } from '../../../src/logic/auth/tokens/tokens.ts';
import { newUuid7, uuid7Time } from '../../../src/logic/auth/uuid7.ts';
import {
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
import { insertRefreshTokenAsDiracx } from '../../harness/auth-rows.ts';

const REUSED = 'Revoked refresh token reused: potential attack detected. You must authenticate again';

let fx: LoginFixture;
beforeAll(async () => {
  fx = await startLoginFixture();
}, FIXTURE_TIMEOUT_MS);
afterAll(() => fx.dispose(), FIXTURE_TIMEOUT_MS);

function refresh(token: string): Promise<Response> {
  return fx.app.fetch(
    '/api/auth/token',
    form({ grant_type: 'refresh_token', refresh_token: token, client_id: DIRAC_CLIENT_ID }),
  );
}

describe('refresh_token grant', () => {
  it('rotates the refresh token, keeping its absolute expiry, and issues a working access token', async () => {
    const first = await deviceLogin(fx, CHAEN_SUB);
    fx.clock.advance(5);
    try {
      const res = await refresh(first.refresh_token!);
      expect(res.status).toBe(200);
      const second = (await res.json()) as TokenBody;
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(claimsOf(second.refresh_token!).jti).not.toBe(claimsOf(first.refresh_token!).jti);
      expect(claimsOf(second.refresh_token!).exp).toBe(claimsOf(first.refresh_token!).exp);
      expect((await fx.app.fetch('/api/auth/userinfo', bearer(second.access_token))).status).toBe(200);
    } finally {
      fx.clock.advance(-5);
    }
  });

  it("issues DiracX's own token shapes to DiracX's client: joserfc's header, exactly DiracX's claims", async () => {
    const tokens = await deviceLogin(fx, CHAEN_SUB);
    const rotated = (await (await refresh(tokens.refresh_token!)).json()) as TokenBody;
    for (const token of [tokens.refresh_token!, rotated.refresh_token!]) {
      expect(Object.keys(claimsOf(token)).sort()).toEqual(['dirac_policies', 'exp', 'jti', 'legacy_exchange']);
      expect(Object.keys(decodeProtectedHeader(token))).toEqual(['typ', 'alg', 'kid']);
    }
    for (const token of [tokens.access_token, rotated.access_token]) {
      expect(Object.keys(claimsOf(token)).sort()).toEqual([
        'dirac_group',
        'dirac_policies',
        'dirac_properties',
        'exp',
        'iss',
        'jti',
        'preferred_username',
        'sub',
        'vo',
      ]);
      expect(decodeProtectedHeader(token)).toMatchObject({ typ: 'JWT', alg: 'Ed25519' });
    }
  });

  it('rotates a refresh token DiracX issued, from its row as DiracX writes it (no ExpiresAt)', async () => {
    // DiracX's exchange_token: a uuid7 jti, the row (JTI, Status, Scope, Sub) and the claims
    // {jti, exp, legacy_exchange, dirac_policies}, exp = the jti's time + 60 minutes.
    const jti = newUuid7(fx.clock.now());
    const exp = Math.floor(uuid7Time(jti).getTime() / 1000) + 3600;
    await insertRefreshTokenAsDiracx(fx.app.database, { jti, scope: 'vo:lhcb', sub: `lhcb:${CHAEN_SUB}` });
    const theirs = await fx.app.tokens.sign({ jti, exp, dirac_policies: {}, legacy_exchange: false });
    const res = await refresh(theirs);
    expect(res.status).toBe(200);
    const ours = (await res.json()) as TokenBody;
    expect(claimsOf(ours.refresh_token!)).toMatchObject({ exp, legacy_exchange: false, dirac_policies: {} });
    expect(claimsOf(ours.access_token)).toMatchObject({ sub: `lhcb:${CHAEN_SUB}`, dirac_group: 'lhcb_user' });
    const reuse = await refresh(theirs);
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toEqual({ detail: REUSED });
  });

  it('answers a reused refresh token with 401 and revokes every token of the subject, the newest too', async () => {
    const first = await deviceLogin(fx, CHAEN_SUB);
    const sibling = await deviceLogin(fx, CHAEN_SUB);
    const rotated = (await (await refresh(first.refresh_token!)).json()) as TokenBody;

    const reuse = await refresh(first.refresh_token!);
    expect(reuse.status).toBe(401);
    expect(reuse.headers.get('www-authenticate')).toBe('Bearer');
    expect(await reuse.json()).toEqual({ detail: REUSED });

    for (const token of [rotated.refresh_token!, sibling.refresh_token!]) {
      const res = await refresh(token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ detail: REUSED });
    }
  });

  it('refuses an expired refresh token with DiracX\'s "expired_token: The token is expired"', async () => {
    const tokens = await deviceLogin(fx, CHAEN_SUB);
    fx.clock.advance(61 * 60);
    try {
      const res = await refresh(tokens.refresh_token!);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ detail: 'expired_token: The token is expired' });
    } finally {
      fx.clock.advance(-61 * 60);
    }
  });

  it('refuses a refresh token signed by a key we do not know with "No key for kid"', async () => {
    const tokens = await deviceLogin(fx, CHAEN_SUB);
    const forged = await signToken(await generateKeystore('RS256'), claimsOf(tokens.refresh_token!));
    const res = await refresh(forged);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toContain('No key for kid');
  });

  it('refuses an access token presented as a refresh token with 401', async () => {
    const tokens = await deviceLogin(fx, CHAEN_SUB);
    const res = await refresh(tokens.access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: "missing_claim: Missing 'legacy_exchange' claim" });
  });

  it('refuses garbage with 401', async () => {
    const res = await refresh('not-a-jwt');
    expect(res.status).toBe(401);
  });

  it('answers a validly signed refresh token we do not know with DiracX\'s 400 "Token <jti> not found"', async () => {
    const tokens = await deviceLogin(fx, CHAEN_SUB);
    const claims = { ...claimsOf(tokens.refresh_token!), jti: '0190a9b4-0000-7000-8000-000000000000' };
    const res = await refresh(await fx.app.tokens.sign(claims));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: 'Token 0190a9b4-0000-7000-8000-000000000000 not found' });
  });
});
