/**
 * Access-token verification refuses every kind of bad token with `UnauthenticatedError`
 * ("Invalid JWT"): `alg: none`, HMAC keyed with our public key, an unknown `kid`, a wrong
 * issuer, expired or not-yet-valid tokens, tampering, a disallowed algorithm, missing claims.
 * The answer is the same for all; each refusal is checked for its own reason in the log line
 * the verifier writes, so a token refused for the wrong reason fails its test.
 */
import { beforeAll, describe, expect, it } from 'bun:test';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { LocalKeyRing } from '../../../../src/logic/auth/tokens/key-ring.ts';
import { generateKeystore, publicKey, signingKey, type Keystore } from '../../../../src/logic/auth/tokens/keystore.ts';
import { issueAccessToken, signToken } from '../../../../src/logic/auth/tokens/tokens.ts';
import {
  createAccessTokenVerifier,
  type AccessTokenVerifier,
  type TokenRefusal,
} from '../../../../src/logic/auth/tokens/verify.ts';
import { createJsonLogger } from '../../../../src/core/logger.ts';

const ISSUER = 'https://diracx.example';
const NOW = new Date('2026-11-26T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

const logLines: Record<string, unknown>[] = [];
const log = createJsonLogger('debug', (l) => logLines.push(JSON.parse(l) as Record<string, unknown>));

let keystore: Keystore;
let rsaKeystore: Keystore;

function verifierFor(ks: Keystore, options: { algorithms?: string[]; now?: Date } = {}): AccessTokenVerifier {
  return createAccessTokenVerifier({
    issuer: ISSUER,
    algorithms: options.algorithms ?? ['RS256', 'Ed25519', 'EdDSA'],
    keys: new LocalKeyRing(ks).getKey,
    clockToleranceSeconds: 10,
    log,
    now: () => options.now ?? NOW,
  });
}

function validClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    sub: 'lhcb:b824d4dc-1f9d-4ee8-8df5-c0ae55d46041',
    vo: 'lhcb',
    iss: ISSUER,
    dirac_properties: ['NormalUser'],
    jti: '01937a1e-0000-7000-8000-000000000001',
    preferred_username: 'chaen',
    dirac_group: 'lhcb_user',
    exp: NOW_S + 600,
    dirac_policies: {},
    ...overrides,
  };
}

const ALG_NOT_ALLOWED: TokenRefusal = { reason: 'ERR_JOSE_ALG_NOT_ALLOWED' };
const EXPIRED: TokenRefusal = { reason: 'ERR_JWT_EXPIRED', claim: 'exp', check: 'check_failed' };
const NO_DIRAC_GROUP: TokenRefusal = { reason: 'missing or malformed DiracX claims', claim: 'dirac_group' };
const BAD_SIGNATURE: TokenRefusal = { reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' };
const claimFailed = (claim: string, check: 'missing' | 'check_failed'): TokenRefusal => ({
  reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  claim,
  check,
});

/** A token signed with the test keystore. */
const signed = (claims: JWTPayload): Promise<string> => signToken(keystore, claims);

const b64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Expects the generic refusal and resolves with the reason the verifier logged for it. */
async function refused(token: string, verify: AccessTokenVerifier = verifierFor(keystore)): Promise<TokenRefusal> {
  logLines.length = 0;
  const err = await verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid JWT' });
  expect(logLines).toHaveLength(1);
  const { level, msg, reason, claim, check } = logLines[0] ?? {};
  expect({ level, msg }).toEqual({ level: 'warn', msg: 'access token refused' });
  return {
    reason: String(reason),
    ...(claim === undefined ? {} : { claim: String(claim) }),
    ...(check === undefined ? {} : { check: String(check) }),
  };
}

beforeAll(async () => {
  keystore = await generateKeystore('Ed25519');
  rsaKeystore = await generateKeystore('RS256');
});

describe('createAccessTokenVerifier', () => {
  it('accepts a token we issued and returns the DiracX user', async () => {
    const { token } = await issueAccessToken(
      keystore,
      ISSUER,
      {
        vo: 'lhcb',
        group: 'lhcb_user',
        properties: ['NormalUser'],
        idpSub: 'abc',
        preferredUsername: 'chaen',
        lifetimeSeconds: 600,
      },
      NOW,
    );
    const user = await verifierFor(keystore)(token);
    expect(user).toMatchObject({
      sub: 'lhcb:abc',
      vo: 'lhcb',
      diracGroup: 'lhcb_user',
      preferredUsername: 'chaen',
      properties: ['NormalUser'],
    });
    expect(user.expiresAt).toBe(NOW_S + 600);
  });

  it('accepts RS256 and EdDSA keys as well as Ed25519', async () => {
    expect((await verifierFor(rsaKeystore)(await signToken(rsaKeystore, validClaims()))).vo).toBe('lhcb');
    const eddsa = await generateKeystore('EdDSA');
    expect((await verifierFor(eddsa)(await signToken(eddsa, validClaims()))).vo).toBe('lhcb');
  });

  it('refuses an unsecured token (alg: none)', async () => {
    expect(await refused(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(validClaims())}.`)).toEqual(ALG_NOT_ALLOWED);
  });

  it('refuses an HMAC token keyed with our public key (algorithm confusion)', async () => {
    const pub = publicKey(signingKey(rsaKeystore));
    const secret = new TextEncoder().encode(JSON.stringify(pub));
    const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256', kid: pub.kid }).sign(secret);
    expect(await refused(token, verifierFor(rsaKeystore))).toEqual(ALG_NOT_ALLOWED);
  });

  it('refuses a token whose kid is unknown', async () => {
    const other = await generateKeystore('Ed25519');
    expect(await refused(await signToken(other, validClaims()))).toEqual({ reason: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('refuses a token signed by another key under a known kid', async () => {
    const other = await generateKeystore('Ed25519');
    const forged = signingKey(other);
    const { key_ops: _ops, ...material } = forged;
    const token = await new SignJWT(validClaims())
      .setProtectedHeader({ alg: 'Ed25519', kid: signingKey(keystore).kid })
      .sign(await importJWK(material, 'Ed25519'));
    expect(await refused(token)).toEqual(BAD_SIGNATURE);
  });

  it('refuses a token from another issuer', async () => {
    const token = await signed(validClaims({ iss: 'https://evil.example' }));
    expect(await refused(token)).toEqual(claimFailed('iss', 'check_failed'));
  });

  it('refuses a token without an issuer', async () => {
    const { iss: _iss, ...claims } = validClaims();
    expect(await refused(await signed(claims))).toEqual(claimFailed('iss', 'missing'));
  });

  it('refuses an expired token beyond the clock tolerance', async () => {
    expect(await refused(await signed(validClaims({ exp: NOW_S - 11 })))).toEqual(EXPIRED);
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    expect((await verifierFor(keystore)(await signed(validClaims({ exp: NOW_S - 5 })))).vo).toBe('lhcb');
  });

  it('refuses a token that is not valid yet (nbf beyond the tolerance)', async () => {
    expect(await refused(await signed(validClaims({ nbf: NOW_S + 60 })))).toEqual(claimFailed('nbf', 'check_failed'));
  });

  it('refuses a token without exp', async () => {
    const { exp: _exp, ...claims } = validClaims();
    expect(await refused(await signed(claims))).toEqual(claimFailed('exp', 'missing'));
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const token = await signed(validClaims());
    const [header, , signature] = token.split('.');
    const altered = `${header}.${b64url(validClaims({ dirac_properties: ['JobAdministrator'] }))}.${signature}`;
    expect(await refused(altered)).toEqual(BAD_SIGNATURE);
  });

  it('refuses a token whose signature was altered', async () => {
    const token = await signed(validClaims());
    const flipped = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(await refused(flipped)).toEqual(BAD_SIGNATURE);
  });

  it('refuses an algorithm outside the allow-list', async () => {
    const onlyRsa = verifierFor(keystore, { algorithms: ['RS256'] });
    expect(await refused(await signed(validClaims()), onlyRsa)).toEqual(ALG_NOT_ALLOWED);
  });

  it('refuses a token missing DiracX claims', async () => {
    const { dirac_group: _group, ...claims } = validClaims();
    expect(await refused(await signed(claims))).toEqual(NO_DIRAC_GROUP);
  });

  it('refuses garbage', async () => {
    expect(await refused('not-a-jwt')).toEqual({ reason: 'ERR_JWS_INVALID' });
  });

  it('refuses to be built with none or an HMAC algorithm allowed', () => {
    expect(() => verifierFor(keystore, { algorithms: ['HS256'] })).toThrow(TypeError);
    expect(() => verifierFor(keystore, { algorithms: ['none'] })).toThrow(TypeError);
  });

  it('logs why a token was refused, never the token', async () => {
    const token = await signed(validClaims({ iss: 'https://evil.example' }));
    expect(await refused(token)).toEqual(claimFailed('iss', 'check_failed'));
    expect(JSON.stringify(logLines)).not.toContain(token.split('.')[2]!);
  });
});
