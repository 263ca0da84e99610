/**
 * @module logic/auth/tokens/refresh-token
 * DiracX refresh tokens as JWTs (`core/models/auth.py: RefreshTokenPayload`): `jti` (the
 * `RefreshTokens` row's key, a uuid7), `exp`, `legacy_exchange`, `dirac_policies`; no `sub`
 * or `iss`, the user lives in the database row. Verification checks what DiracX's
 * `verify_dirac_refresh_token` does (signature with our keys, allowed algorithm, `exp` with no
 * leeway) and that the claims are there; our own `client_id` and `resource` claims, when
 * present, must be strings. A refusal is `UnauthenticatedError` whose detail
 * reads like DiracX's (joserfc's `"<error>: <description>"`, e.g.
 * `"expired_token: The token is expired"`); it names the reason, never the token.
 */
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { UnauthenticatedError } from '../../../core/errors.ts';
import type { KeyRing } from './key-ring.ts';
import type { Keystore } from './keystore.ts';
import { signToken, type RefreshTokenClaims } from './tokens.ts';

export interface VerifiedRefreshToken {
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  legacyExchange: boolean;
  /** The client the token was issued to; undefined on DiracX's tokens, which name none. */
  clientId: string | undefined;
  /** The resource its access tokens are for; undefined: the REST API (no audience). */
  resource: string | undefined;
}

export interface RefreshTokenVerification {
  keyRing: KeyRing;
  algorithms: readonly string[];
  now: () => Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Signs refresh token claims with the keystore's signing key. */
export function signRefreshToken(keystore: Keystore, claims: RefreshTokenClaims): Promise<string> {
  return signToken(keystore, claims);
}

/** The client-visible reason a refresh token is refused, in joserfc's words. */
function refusal(err: unknown, token: string): string {
  if (err instanceof errors.JWTExpired) return 'expired_token: The token is expired';
  if (err instanceof errors.JWKSNoMatchingKey) {
    let kid = '';
    try {
      kid = String(decodeProtectedHeader(token).kid ?? '');
    } catch {
      // unreadable header: leave the kid empty
    }
    return `invalid_key_id: No key for kid: '${kid}'`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature: Signature verification failed';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'unsupported_algorithm: Algorithm is not allowed';
  if (err instanceof errors.JWTClaimValidationFailed) return `missing_claim: Missing '${err.claim}' claim`;
  return 'decode_error: The token cannot be decoded';
}

/**
 * Verifies a refresh token and returns its claims.
 * @throws UnauthenticatedError with a joserfc-style detail when it is not one of ours, is
 * expired, or lacks the refresh-token claims (an access token has no `legacy_exchange`).
 */
export async function verifyRefreshToken(ctx: RefreshTokenVerification, token: string): Promise<VerifiedRefreshToken> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, ctx.keyRing.getKey, {
      algorithms: [...ctx.algorithms],
      requiredClaims: ['jti', 'exp'],
      currentDate: ctx.now(),
    }));
  } catch (err) {
    throw new UnauthenticatedError(refusal(err, token));
  }
  const { jti, exp, legacy_exchange: legacyExchange, client_id: clientId, resource } = payload;
  if (typeof legacyExchange !== 'boolean')
    throw new UnauthenticatedError("missing_claim: Missing 'legacy_exchange' claim");
  if (typeof jti !== 'string' || !UUID.test(jti) || typeof exp !== 'number') {
    throw new UnauthenticatedError("invalid_claim: Invalid claim 'jti'");
  }
  if (!(clientId === undefined || typeof clientId === 'string'))
    throw new UnauthenticatedError("invalid_claim: Invalid claim 'client_id'");
  if (!(resource === undefined || typeof resource === 'string'))
    throw new UnauthenticatedError("invalid_claim: Invalid claim 'resource'");
  return { jti: jti.toLowerCase(), exp, legacyExchange, clientId, resource };
}
