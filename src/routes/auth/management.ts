/**
 * @module routes/auth/management
 * DiracX's refresh-token management routes (`routers/auth/management.py`):
 * `GET /api/auth/refresh-tokens` and `DELETE /api/auth/refresh-tokens/{jti}` need a valid
 * access token and no policy (own tokens; every token with `ProxyManagement`);
 * `POST /api/auth/revoke` (RFC 7009, form-encoded) is public: holding the refresh token is
 * the credential. Answers are DiracX's JSON string `"Refresh token revoked"`.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import {
  listUserRefreshTokens,
  REFRESH_TOKEN_REVOKED,
  revokeRefreshTokenById,
  revokeRefreshTokenByToken,
} from '../../logic/auth/tokens/management.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { flowContext, limitCaller } from './flow-support.ts';

const RefreshTokenEntrySchema = z.object({
  JTI: z.string(),
  Status: z.number().int().openapi({ description: '1 = CREATED, 2 = REVOKED (DiracX sends the enum value)' }),
  Scope: z.string(),
  Sub: z.string(),
});

const revoked = { 200: { description: 'Revoked', content: { 'application/json': { schema: z.string() } } } } as const;

export function registerTokenManagementRoutes(
  app: OpenAPIHono<ApiEnv>,
  deps: ApiDeps,
  catalogue: RouteCatalogue,
): void {
  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'open' },
      {
        method: 'get',
        path: '/api/auth/refresh-tokens',
        operationId: 'auth_get_refresh_tokens',
        tags: ['auth'],
        summary: 'Get Refresh Tokens',
        responses: {
          200: {
            description: 'Refresh tokens',
            content: { 'application/json': { schema: z.array(RefreshTokenEntrySchema) } },
          },
        },
      },
    ),
    async (c) => c.json(await listUserRefreshTokens(flowContext(deps), c.get('user')), 200),
  );

  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'open' },
      {
        method: 'delete',
        path: '/api/auth/refresh-tokens/{jti}',
        operationId: 'auth_revoke_refresh_token_by_jti',
        tags: ['auth'],
        summary: 'Revoke Refresh Token By Jti',
        // Validated by the logic (400 with Python's message), after authentication.
        request: { params: z.object({ jti: z.string().openapi({ example: '0190a7d4-8c3e-7b2a-9f1e-3d5c6b7a8e9f' }) }) },
        responses: revoked,
      },
    ),
    async (c) => {
      await revokeRefreshTokenById(flowContext(deps), c.get('user'), c.req.valid('param').jti);
      return c.json(REFRESH_TOKEN_REVOKED, 200);
    },
  );

  app.openapi(
    defineRoute(
      catalogue,
      deps,
      { kind: 'public' },
      {
        method: 'post',
        path: '/api/auth/revoke',
        operationId: 'auth_revoke_refresh_token_by_refresh_token',
        tags: ['auth'],
        summary: 'Revoke Refresh Token By Refresh Token',
        request: {
          body: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                // Named as FastAPI names DiracX's form (`Body_<operationId>`).
                schema: z
                  .object({
                    token: z.string().openapi({ description: 'The refresh token to revoke' }),
                    token_type_hint: z.string().optional(),
                    client_id: z.string().optional(),
                  })
                  .openapi('Body_auth_revoke_refresh_token_by_refresh_token'),
              },
            },
          },
        },
        responses: revoked,
      },
    ),
    async (c) => {
      const form = c.req.valid('form');
      // DiracX defaults client_id to its literal default; we default to the configured id.
      const clientId = form.client_id ?? deps.auth.flows.settings.diracClientId;
      limitCaller(c, deps, deps.auth.flows.limits.token, clientId);
      await revokeRefreshTokenByToken(flowContext(deps), {
        token: form.token,
        tokenTypeHint: form.token_type_hint,
        clientId,
      });
      return c.json(REFRESH_TOKEN_REVOKED, 200);
    },
  );
}
