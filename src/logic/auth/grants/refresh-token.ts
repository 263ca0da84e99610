/**
 * @module logic/auth/grants/refresh-token
 * `grant_type=refresh_token` (RFC 6749 §6; DiracX's `get_oidc_token_info_from_refresh_flow`)
 * with rotation (RFC 6749 §10.4, OAuth 2.0 Security BCP §4.14): the presented token is
 * revoked and a new one issued with the same absolute expiry; the scope is re-validated
 * against the current configuration. Presenting a token that was already revoked is taken as
 * theft: every refresh token of that subject is revoked (committed), and the answer is 401
 * `Revoked refresh token reused: ...`. Tokens from the legacy exchange do not rotate: the same
 * refresh token comes back with a new access token. Unlike DiracX, a revoked legacy token is
 * refused (DiracX never looks at their status, so revoking one had no effect).
 *
 * Unlike DiracX, a refresh token is bound to what it was issued for, checked before anything
 * is touched (a refused request neither rotates nor revokes): the client (RFC 6749 §6, OAuth
 * 2.1 §4.3.1: another `client_id` is 400 `invalid_grant`; DiracX's tokens name no client and
 * belong to DiracX's own client id) and the resource (RFC 8707 §2.2: the new access token keeps
 * the original audience; naming another resource is 400 `invalid_target`).
 */
import { z } from 'zod';
import { getRefreshTokenForUpdate, revokeRefreshToken, revokeUserRefreshTokens } from '../../../db/auth.ts';
import { InvalidInputError, OAuthError, UnauthenticatedError } from '../../../core/errors.ts';
import { verifyRefreshToken } from '../tokens/refresh-token.ts';
import { refreshedAudience } from '../tokens/resource.ts';
import { exchangeToken, type TokenResponse } from '../tokens/token-issue.ts';
import { defineGrant } from './define.ts';

/** DiracX's detail when a rotated-out refresh token comes back. */
export const REFRESH_TOKEN_REUSED =
  'Revoked refresh token reused: potential attack detected. You must authenticate again';

type Outcome = { kind: 'issued'; response: TokenResponse } | { kind: 'reused'; sub: string; revoked: number };

export const refreshTokenGrant = defineGrant({
  grantType: 'refresh_token',
  fields: { client_id: z.string(), refresh_token: z.string() },
  async issue(ctx, { client_id: clientId, refresh_token: presented }, request) {
    const token = await verifyRefreshToken(ctx, presented);
    const issuedTo = token.clientId ?? ctx.settings.diracClientId;
    if (clientId !== issuedTo) {
      ctx.log.warn('refresh token presented by another client; refused, left as it was', { jti: token.jti });
      throw new OAuthError('INVALID_INPUT', 'invalid_grant', 'The refresh token was issued to another client');
    }
    const audience = refreshedAudience(ctx, token.resource, request.resource);
    // Returned rather than thrown from the transaction: the family revocation must commit.
    const outcome = await ctx.database.transaction(async (tx): Promise<Outcome> => {
      const row = await getRefreshTokenForUpdate(tx, token.jti);
      if (!row) throw new InvalidInputError(`Token ${token.jti} not found`);
      if (row.status === 'REVOKED') {
        if (token.legacyExchange) throw new UnauthenticatedError('Refresh token revoked');
        return { kind: 'reused', sub: row.sub, revoked: await revokeUserRefreshTokens(tx, row.sub) };
      }
      if (!token.legacyExchange) await revokeRefreshToken(tx, token.jti);
      const response = await exchangeToken(ctx, tx, {
        scope: row.scope,
        audience,
        clientId: issuedTo,
        // The row's sub is "<vo>:<IdP sub>"; the IdP sub is what follows the first colon.
        idpSub: row.sub.slice(row.sub.indexOf(':') + 1),
        refresh: token.legacyExchange
          ? { kind: 'keep', token: presented }
          : { kind: 'new', legacyExchange: false, expiresAt: token.exp },
      });
      return { kind: 'issued', response };
    });
    if (outcome.kind === 'reused') {
      ctx.log.warn('revoked refresh token reused; every refresh token of the subject revoked', {
        sub: outcome.sub,
        revoked: outcome.revoked,
      });
      throw new UnauthenticatedError(REFRESH_TOKEN_REUSED);
    }
    return outcome.response;
  },
});
