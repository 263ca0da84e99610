/**
 * @module logic/auth/tokens/verify
 * Verifies DiracX access tokens with jose: signature against a key set (the local keystore's
 * public keys, or a remote JWKS cached with cooldown for verifier-only processes), algorithm in
 * the allow-list (so `alg: none` and HMAC-with-a-public-key are refused), `iss` required and
 * equal to ours, `exp` required, `exp`/`nbf` checked with a small clock tolerance, and the DiracX
 * claims present. Every refusal is `UnauthenticatedError('Invalid JWT')`, as in DiracX; the
 * reason (`TokenRefusal`) is logged, never the token.
 */
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { UnauthenticatedError } from '../../../core/errors.ts';
import type { Logger } from '../../../core/logger.ts';
import type { AuthedUser } from '../../../core/user.ts';

export interface AccessTokenVerifierOptions {
  issuer: string;
  /** Accepted `alg` values; never include `none` or HMAC algorithms. */
  algorithms: readonly string[];
  /** Resolves the verification key of a token (jose local or remote JWKS). */
  keys: JWTVerifyGetKey;
  clockToleranceSeconds: number;
  log: Logger;
  /** Fixed "now" for tests; jose reads the clock otherwise. */
  now?: () => Date;
}

export type AccessTokenVerifier = (token: string) => Promise<AuthedUser>;

const AccessClaimsSchema = z.object({
  sub: z.string().min(1),
  jti: z.string().min(1),
  vo: z.string().min(1),
  dirac_group: z.string().min(1),
  preferred_username: z.string().min(1),
  dirac_properties: z.array(z.string()),
  dirac_policies: z.record(z.string(), z.unknown()).optional(),
  exp: z.number(),
  client_id: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
});

/** Detail DiracX answers any token failure with. */
export const INVALID_JWT = 'Invalid JWT';

/**
 * Why a token was refused, for the log only (the answer is always `Invalid JWT`): jose's error
 * code (`ERR_JWT_EXPIRED`, `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, `ERR_JOSE_ALG_NOT_ALLOWED`,
 * `ERR_JWKS_NO_MATCHING_KEY`, ...) and, for a claim check, the claim and whether it was missing
 * or wrong (`iss`, `nbf`, ...); for the DiracX claims, the first one missing or malformed.
 */
export interface TokenRefusal {
  reason: string;
  claim?: string;
  check?: string;
}

function refusalOf(err: unknown): TokenRefusal {
  if (err instanceof errors.JWTClaimValidationFailed || err instanceof errors.JWTExpired) {
    return { reason: err.code, claim: err.claim, check: err.reason };
  }
  if (err instanceof errors.JOSEError) return { reason: err.code };
  if (err instanceof z.ZodError) {
    return { reason: 'missing or malformed DiracX claims', claim: err.issues[0]?.path.join('.') };
  }
  return { reason: err instanceof Error ? err.name : 'unknown' };
}

/** Builds a verifier; it holds no per-request state, so one serves the whole process. */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const algorithms = [...options.algorithms];
  for (const alg of algorithms) {
    if (alg === 'none' || alg.startsWith('HS'))
      throw new TypeError(`createAccessTokenVerifier: ${alg} is not an acceptable algorithm`);
  }
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        algorithms,
        requiredClaims: ['exp', 'jti', 'sub'],
        clockTolerance: options.clockToleranceSeconds,
        ...(options.now ? { currentDate: options.now() } : {}),
      });
      const claims = AccessClaimsSchema.parse(payload);
      return {
        sub: claims.sub,
        preferredUsername: claims.preferred_username,
        vo: claims.vo,
        diracGroup: claims.dirac_group,
        properties: claims.dirac_properties,
        tokenId: claims.jti,
        policies: claims.dirac_policies ?? {},
        expiresAt: claims.exp,
        clientId: claims.client_id,
        audience: claims.aud === undefined ? [] : [claims.aud].flat(),
      };
    } catch (err) {
      options.log.warn('access token refused', { ...refusalOf(err) });
      throw new UnauthenticatedError(INVALID_JWT);
    }
  };
}
