/**
 * @module routes/auth/token
 * `POST /api/auth/token` (DiracX's `auth_get_oidc_token`), public, form-encoded: dispatches on
 * `grant_type` to the grants of `logic/auth/grants/registry.ts`. The documented form lists
 * every grant's fields; each grant's own fields are validated before it runs (FastAPI-style
 * 422). Successful answers are DiracX's `TokenResponse` with `Cache-Control: no-store`
 * (RFC 6749 §5.1). Attempts are rate limited per `client_id` and caller address. A `resource`
 * (RFC 8707) must be ours, whatever the grant (`logic/auth/tokens/resource.ts`), before it runs.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { TOKEN_GRANTS } from '../../logic/auth/grants/registry.ts';
import { checkRequestedResource } from '../../logic/auth/tokens/resource.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { toValidationDetail } from '../../wire/validation-detail.ts';
import { flowContext, limitCaller } from './flow-support.ts';

export const TokenResponseSchema = z
  .object({
    access_token: z.string(),
    expires_in: z.number().int(),
    token_type: z.string(),
    refresh_token: z.string().optional(),
    issued_token_type: z.string().optional(),
  })
  .openapi('TokenResponse');

/**
 * The form: `grant_type` (one of the registered grants) plus every grant's fields, optional;
 * named as FastAPI names DiracX's form (`Body_<operationId>`).
 */
function tokenFormSchema(): z.ZodObject {
  const grantTypes = [...TOKEN_GRANTS.keys()] as [string, ...string[]];
  const fields: Record<string, z.ZodOptional> = {};
  for (const grant of TOKEN_GRANTS.values()) {
    for (const [name, field] of Object.entries(grant.fields)) fields[name] ??= z.optional(field);
  }
  return z
    .object({
      grant_type: z.enum(grantTypes).openapi({ description: 'OAuth2 Grant type' }),
      ...fields,
      resource: z.string().optional().openapi({
        description: 'The resource the token is for (RFC 8707): the MCP endpoint, or our issuer (the REST API)',
      }),
    })
    .openapi('Body_auth_get_oidc_token');
}

const ErrorBodySchema = z.record(z.string(), z.unknown());

export function registerTokenRoute(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const route = defineRoute(
    catalogue,
    deps,
    { kind: 'public' },
    {
      method: 'post',
      path: '/api/auth/token',
      operationId: 'auth_get_oidc_token',
      tags: ['auth'],
      summary: 'Get Oidc Token',
      description: 'Token endpoint to retrieve the token at the end of a flow.',
      request: {
        body: { required: true, content: { 'application/x-www-form-urlencoded': { schema: tokenFormSchema() } } },
      },
      responses: {
        200: { description: 'The tokens', content: { 'application/json': { schema: TokenResponseSchema } } },
        422: { description: 'Validation error', content: { 'application/json': { schema: ErrorBodySchema } } },
      },
    },
  );
  app.openapi(route, async (c) => {
    const form: Record<string, unknown> = c.req.valid('form');
    const grant = TOKEN_GRANTS.get(String(form.grant_type));
    limitCaller(c, deps, deps.auth.flows.limits.token, typeof form.client_id === 'string' ? form.client_id : '');
    const prepared = grant?.prepare(form);
    if (!prepared?.ok) return c.json({ detail: toValidationDetail('form', prepared?.issues ?? []) }, 422);
    const resource = typeof form.resource === 'string' ? form.resource : undefined;
    const ctx = flowContext(deps);
    checkRequestedResource(ctx, resource);
    const tokens = await prepared.issue(ctx, { authorization: c.req.header('authorization'), resource });
    return c.json(tokens, 200, { 'cache-control': 'no-store', pragma: 'no-cache' });
  });
}
