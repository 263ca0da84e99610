/**
 * @module logic/auth/tokens/management
 * Managing refresh tokens (DiracX's `logic/auth/management.py`):
 * - listing: a user sees their own tokens that are not revoked; a holder of `ProxyManagement`
 *   sees every token, revoked ones included;
 * - revoking by id: one's own token, or anyone's with `ProxyManagement`;
 * - revoking by the token itself (RFC 7009): whoever holds a refresh token may revoke it.
 * As RFC 7009 §2.2 asks, a token we cannot verify or no longer know is answered as revoked:
 * DiracX does so for undecodable tokens and access tokens, but fails with 400 for an unknown
 * row and 500 for an expired or foreign-signed token; we answer all of those as success.
 */
import { PROXY_MANAGEMENT } from '../../../config/properties.ts';
import { getRefreshTokenForUpdate, listRefreshTokens, revokeRefreshToken } from '../../../db/auth.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, UnauthenticatedError } from '../../../core/errors.ts';
import type { AuthFlowContext } from '../flows/flow-context.ts';
import { verifyRefreshToken } from './refresh-token.ts';
import { hasProperty, type AuthedUser } from '../../../core/user.ts';

/** One entry of `GET /api/auth/refresh-tokens`, in DiracX's wire form. */
export interface RefreshTokenEntry {
  JTI: string;
  /** DiracX sends the enum's value: 1 = CREATED, 2 = REVOKED. */
  Status: 1 | 2;
  Scope: string;
  Sub: string;
}

/** DiracX's answer to a successful revocation. */
export const REFRESH_TOKEN_REVOKED = 'Refresh token revoked';

type ManagementContext = Pick<AuthFlowContext, 'database' | 'settings' | 'keyRing' | 'algorithms' | 'now' | 'log'>;

/** The subject whose tokens `user` manages; undefined means everybody's (`ProxyManagement`). */
function managedSubject(user: AuthedUser): string | undefined {
  return hasProperty(user, PROXY_MANAGEMENT) ? undefined : user.sub;
}

export async function listUserRefreshTokens(ctx: ManagementContext, user: AuthedUser): Promise<RefreshTokenEntry[]> {
  const sub = managedSubject(user);
  const rows = await ctx.database.transaction((tx) =>
    listRefreshTokens(tx, { sub, includeRevoked: sub === undefined }),
  );
  return rows.map((row) => ({
    JTI: row.jti,
    Status: row.status === 'REVOKED' ? 2 : 1,
    Scope: row.scope,
    Sub: row.sub,
  }));
}

/**
 * Python's `UUID(...)` leniency: hyphens optional, braces and `urn:uuid:` allowed, any case.
 * @throws InvalidInputError with Python's message otherwise.
 */
export function parseUuid(text: string): string {
  const hex = text
    .trim()
    .toLowerCase()
    .replace(/^urn:uuid:/, '')
    .replace(/^\{(.*)\}$/, '$1')
    .replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new InvalidInputError('badly formed hexadecimal UUID string');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Revokes the refresh token `jti` on behalf of `user`.
 * @throws InvalidInputError (not a UUID), NotFoundError (`Token <jti> not found`),
 * ForbiddenError (someone else's token, without `ProxyManagement`).
 */
export async function revokeRefreshTokenById(ctx: ManagementContext, user: AuthedUser, jtiText: string): Promise<void> {
  const jti = parseUuid(jtiText);
  const sub = managedSubject(user);
  await ctx.database.transaction(async (tx) => {
    const row = await getRefreshTokenForUpdate(tx, jti);
    if (!row) throw new NotFoundError(`Token ${jti} not found`);
    if (sub !== undefined && row.sub !== sub)
      throw new ForbiddenError('Cannot revoke a refresh token owned by someone else');
    await revokeRefreshToken(tx, jti);
  });
}

/**
 * RFC 7009 revocation of a refresh token presented by its holder.
 * @throws InvalidInputError `unsupported_token_type` for the `access_token` hint (access
 * tokens cannot be revoked); UnauthenticatedError `Unrecognised client_id`.
 */
export async function revokeRefreshTokenByToken(
  ctx: ManagementContext,
  input: { token: string; tokenTypeHint: string | undefined; clientId: string },
): Promise<void> {
  if (input.tokenTypeHint === 'access_token') throw new InvalidInputError('unsupported_token_type');
  if (input.clientId !== ctx.settings.diracClientId) throw new UnauthenticatedError('Unrecognised client_id');
  let jti: string;
  try {
    ({ jti } = await verifyRefreshToken(ctx, input.token));
  } catch (err) {
    if (!(err instanceof UnauthenticatedError)) throw err;
    ctx.log.info('revocation of a token that is not a valid refresh token ignored', { reason: err.message });
    return;
  }
  const revoked = await ctx.database.transaction((tx) => revokeRefreshToken(tx, jti));
  if (revoked === 0) ctx.log.info('revocation of an unknown refresh token ignored', { jti });
}
