/**
 * @module logic/auth/grants/registry
 * The grants the token endpoint serves, keyed by `grant_type`. Adding a grant: write its
 * module next to these with `defineGrant` and list it here; the route documents its fields
 * and dispatches to it. Order is the order of the `grant_type` enum in OpenAPI (DiracX's
 * first).
 */
import { authorizationCodeGrant } from './authorization-code.ts';
import { clientCredentialsGrant } from './client-credentials.ts';
import type { TokenGrant } from './define.ts';
import { deviceCodeGrant } from './device-code.ts';
import { refreshTokenGrant } from './refresh-token.ts';
import { tokenExchangeGrant } from './token-exchange.ts';

function byGrantType(grants: readonly TokenGrant[]): ReadonlyMap<string, TokenGrant> {
  const map = new Map<string, TokenGrant>();
  for (const grant of grants) {
    if (map.has(grant.grantType)) throw new Error(`grant ${grant.grantType} is defined twice`);
    map.set(grant.grantType, grant);
  }
  return map;
}

export const TOKEN_GRANTS: ReadonlyMap<string, TokenGrant> = byGrantType([
  authorizationCodeGrant,
  deviceCodeGrant,
  refreshTokenGrant,
  clientCredentialsGrant,
  tokenExchangeGrant,
]);
