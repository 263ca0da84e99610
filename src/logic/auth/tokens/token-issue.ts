/**
 * @module logic/auth/tokens/token-issue
 * The common end of every grant (DiracX's `exchange_token` and `mint_token`): re-validate the
 * scope against the current configuration, check that the user may hold it, record a refresh
 * token row and sign the access and refresh tokens. A new refresh token names the client and the
 * resource it was issued for, so that its refreshes stay bound to both. Runs inside the
 * caller's transaction so that the flow's one-time redemption and the new refresh token commit
 * (or not) together.
 */
import type { Session } from '../../../db/session.ts';
import { insertRefreshToken } from '../../../db/auth.ts';
import type { AuthFlowContext } from '../flows/flow-context.ts';
import { signRefreshToken } from './refresh-token.ts';
import { checkUserMayUseScope, parseAndValidateScope } from './scope.ts';
import { issueAccessToken } from './tokens.ts';
import { newUuid7, uuid7Time } from '../uuid7.ts';

/** DiracX's `TokenResponse` (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  /** Lifetime of the access token in seconds. */
  expires_in: number;
  token_type: 'Bearer';
  refresh_token?: string;
  /** What `access_token` is (RFC 8693 §2.2.1); only on token-exchange answers. */
  issued_token_type?: string;
}

/** How the response's refresh token comes about. */
export type RefreshTokenPlan =
  /** A new token (row + JWT) expiring at `expiresAt` (epoch seconds) or after `lifetimeSeconds`. */
  | { kind: 'new'; legacyExchange: boolean; expiresAt?: number; lifetimeSeconds?: number }
  /** The presented token is returned unchanged (legacy tokens do not rotate). */
  | { kind: 'keep'; token: string }
  /** No refresh token at all. */
  | { kind: 'none' };

export interface ExchangeRequest {
  /** The space-separated scope the flow (or refresh token) was granted for. */
  scope: string;
  /** The user's `sub` at the VO's identity provider. */
  idpSub: string;
  refresh: RefreshTokenPlan;
  /** The resource the access token is restricted to (RFC 8707 `resource`), e.g. the MCP endpoint. */
  audience?: string | undefined;
  /** The OAuth client the tokens are issued to (a new refresh token is bound to it). */
  clientId?: string | undefined;
}

/**
 * Mints the tokens for `request`.
 * @throws InvalidInputError when the scope is no longer valid, ForbiddenError when the user
 * may not hold it (not in the VO, not in the group, property not granted).
 */
export async function exchangeToken(
  ctx: AuthFlowContext,
  tx: Session,
  request: ExchangeRequest,
): Promise<TokenResponse> {
  const scope = parseAndValidateScope(request.scope, ctx.config, ctx.availableProperties);
  const { preferredUsername } = checkUserMayUseScope(ctx.config, scope, request.idpSub);
  const keystore = ctx.keyRing.keystore();
  const now = ctx.now();
  const lifetimeSeconds = ctx.settings.accessTokenExpireMinutes * 60;

  let refreshToken: string | undefined;
  const plan = request.refresh;
  if (plan.kind === 'keep') {
    refreshToken = plan.token;
  } else if (plan.kind === 'new') {
    const jti = newUuid7(now);
    const created = Math.floor(uuid7Time(jti).getTime() / 1000);
    const exp = plan.expiresAt ?? created + (plan.lifetimeSeconds ?? ctx.settings.refreshTokenExpireMinutes * 60);
    await insertRefreshToken(tx, {
      jti,
      sub: `${scope.vo}:${request.idpSub}`,
      scope: request.scope,
      expiresAt: new Date(exp * 1000),
    });
    refreshToken = await signRefreshToken(keystore, {
      jti,
      exp,
      legacy_exchange: plan.legacyExchange,
      dirac_policies: {},
      // DiracX's own client is implied by a token naming none (as DiracX's tokens do).
      ...(request.clientId === undefined || request.clientId === ctx.settings.diracClientId
        ? {}
        : { client_id: request.clientId }),
      ...(request.audience === undefined ? {} : { resource: request.audience }),
    });
  }

  const access = await issueAccessToken(
    keystore,
    ctx.issuer,
    {
      vo: scope.vo,
      group: scope.group,
      properties: scope.properties,
      idpSub: request.idpSub,
      preferredUsername,
      lifetimeSeconds,
      audience: request.audience,
    },
    now,
  );
  return {
    access_token: access.token,
    expires_in: lifetimeSeconds,
    token_type: 'Bearer',
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
  };
}
