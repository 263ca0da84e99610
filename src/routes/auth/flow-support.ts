/**
 * @module routes/auth/flow-support
 * What every login-flow route shares: the logic context for this request (process services
 * plus the current configuration), the request URL without its query (DiracX builds its
 * callback and verification URLs from it, as FastAPI's `request.url.replace(query="")`), and
 * the per-caller rate limits (client id and caller address), answered with 429.
 */
import type { Context } from 'hono';
import { SECURITY_PROPERTIES } from '../../config/properties.ts';
import type { AuthFlowContext } from '../../logic/auth/flows/flow-context.ts';
import type { CallerLimiter } from '../../logic/auth/rate-limit.ts';
import { clientAddress } from '../client-address.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { publicRequestUrl } from '../forwarded.ts';

const CORE_PROPERTIES: ReadonlySet<string> = new Set(SECURITY_PROPERTIES);

/** The logic context of one request. */
export function flowContext(deps: ApiDeps): AuthFlowContext {
  return {
    ...deps.auth.flows,
    database: deps.database,
    config: deps.config.current().config,
    issuer: deps.auth.issuer,
    keyRing: deps.auth.keyRing,
    verifyAccessToken: deps.auth.verifier,
    algorithms: deps.auth.algorithms,
    availableProperties: deps.properties ?? CORE_PROPERTIES,
    resources: deps.auth.resources ?? [],
    log: deps.log,
  };
}

/** `scheme://host/prefix/path` of the request as clients address it, without query or fragment. */
export function urlWithoutQuery(c: Context<ApiEnv>): string {
  return publicRequestUrl(c);
}

/**
 * Counts one attempt of this caller (`clientId` at its address) against `limiter`: the limit
 * per client id and address, and the address's budget, which varying `client_id` cannot escape.
 * @throws RateLimitedError when the caller or its address is over the limit.
 */
export function limitCaller(c: Context<ApiEnv>, deps: ApiDeps, limiter: CallerLimiter, clientId: string): void {
  const address = clientAddress(
    c.env?.remoteAddress,
    c.req.header('x-forwarded-for'),
    deps.auth.flows.settings.trustedProxies,
  );
  limiter.hit(clientId, address, deps.auth.flows.now().getTime());
}
