/**
 * @module logic/auth/flows/legacy-exchange
 * DiracX's legacy exchange (`logic/auth/token.py: perform_legacy_exchange`): legacy DIRAC,
 * holding an API key, mints tokens for any registered user (proxy -> token). Disabled unless
 * `DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY` (hex SHA-256 of the key) is set. The key comes as
 * `Authorization: Bearer diracx:legacy:<base64url of the key bytes>`. The refresh token issued
 * is marked `legacy_exchange` (it does not rotate) and lives `expires_minutes` if given.
 */
import { subFromPreferredUsername } from '../../../config/schema-registry.ts';
import { InvalidInputError, UnauthenticatedError, UnavailableError } from '../../../core/errors.ts';
import { constantTimeEqual, decodeBase64Url } from '../encoding.ts';
import type { AuthFlowContext } from './flow-context.ts';
import { parseAndValidateScope } from '../tokens/scope.ts';
import { exchangeToken, type TokenResponse } from '../tokens/token-issue.ts';

/** DiracX's `LEGACY_EXCHANGE_PATTERN`, matched against the whole header. */
const LEGACY_HEADER = /^Bearer diracx:legacy:((?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?)$/;

export interface LegacyExchangeRequest {
  preferredUsername: string;
  scope: string;
  /** The raw `Authorization` header. */
  authorization: string;
  /** Lifetime of the refresh token in minutes (0 allowed, as in DiracX); default: the setting. */
  expiresMinutes: number | undefined;
}

async function sha256HexOfBytes(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * @throws UnavailableError (503) when disabled; InvalidInputError "Invalid authorization
 * header", UnauthenticatedError "Invalid credentials", InvalidInputError "Invalid scope or
 * preferred_username"; ForbiddenError when the user may not hold the scope.
 */
export async function performLegacyExchange(
  ctx: AuthFlowContext,
  request: LegacyExchangeRequest,
): Promise<TokenResponse> {
  const expected = ctx.settings.legacyExchangeHashedApiKey;
  if (!expected) throw new UnavailableError('Legacy exchange is not enabled');
  const match = LEGACY_HEADER.exec(request.authorization);
  const key = match?.[1] === undefined ? undefined : decodeBase64Url(match[1]);
  if (!key) throw new InvalidInputError('Invalid authorization header');
  if (!constantTimeEqual(await sha256HexOfBytes(key), expected)) throw new UnauthenticatedError('Invalid credentials');

  let idpSub: string | undefined;
  try {
    const scope = parseAndValidateScope(request.scope, ctx.config, ctx.availableProperties);
    const registry = ctx.config.Registry[scope.vo];
    if (registry) idpSub = subFromPreferredUsername(registry, request.preferredUsername);
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
  }
  if (idpSub === undefined) throw new InvalidInputError('Invalid scope or preferred_username');
  const sub = idpSub;
  const lifetimeSeconds = request.expiresMinutes === undefined ? undefined : request.expiresMinutes * 60;
  return ctx.database.transaction((tx) =>
    exchangeToken(ctx, tx, {
      scope: request.scope,
      idpSub: sub,
      refresh: { kind: 'new', legacyExchange: true, ...(lifetimeSeconds === undefined ? {} : { lifetimeSeconds }) },
    }),
  );
}
