/**
 * @module routes/access
 * Every REST route declares who may call it, and the declaration is enforced in one place:
 * - `public`: no token (probes, docs, discovery, the login flows themselves);
 * - `open`: a valid token, no policy (DiracX's `@open_access`, e.g. `GET /api/config/`);
 * - `policy`: a valid token, and the handler must call its policy through `c.var.access`.
 * A route that declares a policy and answers successfully without having called it is a bug:
 * it is logged, and answered with 500 when `devCrashOnMissedPolicy` is set (DiracX's
 * `DIRACX_DEV_CRASH_ON_MISSED_ACCESS_POLICY`). The catalogue lists every declaration, so a test
 * can fail when a registered route has none.
 */
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AccessPolicy } from '../policies/base.ts';
import { InvalidTokenError } from '../core/errors.ts';
import { INVALID_JWT } from '../logic/auth/tokens/verify.ts';
import { bearerToken } from '../wire/auth-header.ts';
import type { ApiDeps } from './deps.ts';
import { jsonBodyGuard } from './middleware/json-body.ts';
import type { ApiEnv } from './env.ts';
import { publicBaseUrl } from './forwarded.ts';
import { createCallContext } from '../wire/call-context.ts';
import { detailResponse } from '../wire/http-errors.ts';

export type RouteAccess =
  | { readonly kind: 'public' }
  | { readonly kind: 'open' }
  | { readonly kind: 'policy'; readonly policy: AccessPolicy<never> };

export interface CatalogueEntry {
  method: string;
  /** Hono path syntax (`/api/jobs/:job_id`). */
  path: string;
  access: RouteAccess;
}

/** Every route's access declaration, for enforcement tests and documentation. */
export class RouteCatalogue {
  readonly #entries = new Map<string, CatalogueEntry>();

  declare(method: string, path: string, access: RouteAccess): void {
    const key = `${method.toUpperCase()} ${path}`;
    if (this.#entries.has(key)) throw new Error(`route ${key} is declared twice`);
    this.#entries.set(key, { method: method.toUpperCase(), path, access });
  }

  get(method: string, path: string): CatalogueEntry | undefined {
    return this.#entries.get(`${method.toUpperCase()} ${path}`);
  }

  entries(): CatalogueEntry[] {
    return [...this.#entries.values()];
  }
}

/** Converts OpenAPI path syntax (`/a/{id}`) to Hono's (`/a/:id`). */
function honoPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Whether REST accepts a token with these audiences: DiracX's tokens carry none, and a token
 * naming our issuer (RFC 8707 `resource` = the issuer) is for this API. A token for any other
 * audience was meant for someone else (RFC 9068 §4), our own `/mcp` endpoint included: a token
 * an MCP host got for its tools must not reach the REST API, where no confirmation or tool
 * audit stands between the host and the person's jobs.
 */
function acceptsAudience(deps: ApiDeps, audience: readonly string[]): boolean {
  return audience.length === 0 || audience.includes(deps.auth.issuer);
}

/** Authenticates the caller and, for policy routes, checks that the policy was called. */
function accessMiddleware(deps: ApiDeps, access: RouteAccess): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (access.kind === 'public') return next();
    const user = await deps.auth.verifier(bearerToken(c.req.header('authorization')));
    if (!acceptsAudience(deps, user.audience ?? [])) {
      deps.log.warn('access token refused', { reason: 'audience' });
      throw new InvalidTokenError(INVALID_JWT, 'The token was not issued for this API');
    }
    const ctx = createCallContext(deps, user, publicBaseUrl(c));
    c.set('ctx', ctx);
    c.set('user', user);
    c.set('access', ctx.access);
    await next();
    if (access.kind === 'policy' && !ctx.access.called && c.res.status < 400) {
      deps.log.error('route answered without calling its access policy', {
        method: c.req.method,
        path: c.req.routePath,
        policy: access.policy.id,
      });
      if (deps.devCrashOnMissedPolicy) c.res = detailResponse(500, 'Internal server error');
    }
  };
}

/**
 * `createRoute` with an access declaration: records it in the catalogue and puts the
 * enforcing middleware in front of the handler.
 */
export function defineRoute<R extends RouteConfig>(
  catalogue: RouteCatalogue,
  deps: ApiDeps,
  access: RouteAccess,
  config: R,
): R {
  catalogue.declare(config.method, honoPath(config.path), access);
  const security = access.kind === 'public' ? {} : { security: [{ OAuth2AuthorizationCodeBearer: [] }] };
  // Only a body that zod validates (a documented-only one is its handler's to read).
  const body = config.request?.body;
  const media: unknown = body?.content?.['application/json'];
  const schema = (media as { schema?: unknown } | undefined)?.schema;
  const takesJson = typeof (schema as { safeParseAsync?: unknown } | undefined)?.safeParseAsync === 'function';
  const middleware = [accessMiddleware(deps, access), ...(takesJson ? [jsonBodyGuard(body?.required === true)] : [])];
  return createRoute({ ...security, ...config, middleware }) as R;
}
