/**
 * @module routes/auth/legacy
 * `GET /api/auth/legacy-exchange` (DiracX's `perform_legacy_exchange`): legacy DIRAC trades
 * its API key for a user's tokens. Public (the key in `Authorization` is the credential, not
 * one of our tokens); 503 unless `DIRACX_LEGACY_EXCHANGE_HASHED_API_KEY` is set. DiracX hides
 * it from its OpenAPI document; we list it, because every route we serve is documented.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { performLegacyExchange } from '../../logic/auth/flows/legacy-exchange.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { flowContext } from './flow-support.ts';
import { TokenResponseSchema } from './token.ts';

export function registerLegacyExchangeRoute(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  const route = defineRoute(
    catalogue,
    deps,
    { kind: 'public' },
    {
      method: 'get',
      path: '/api/auth/legacy-exchange',
      operationId: 'auth_perform_legacy_exchange',
      tags: ['auth'],
      summary: 'Perform Legacy Exchange',
      request: {
        query: z.object({
          preferred_username: z.string().openapi({ example: 'chaen' }),
          scope: z.string().max(1024).openapi({ example: 'vo:lhcb group:lhcb_user' }),
          expires_minutes: z.coerce.number().int().min(0).optional(),
        }),
        headers: z.object({ authorization: z.string() }),
      },
      responses: {
        200: { description: 'The tokens', content: { 'application/json': { schema: TokenResponseSchema } } },
        503: { description: 'Legacy exchange is not enabled (no hashed API key configured), as in DiracX' },
      },
    },
  );
  app.openapi(route, async (c) => {
    const query = c.req.valid('query');
    const tokens = await performLegacyExchange(flowContext(deps), {
      preferredUsername: query.preferred_username,
      scope: query.scope,
      authorization: c.req.valid('header').authorization,
      expiresMinutes: query.expires_minutes,
    });
    return c.json(tokens, 200, { 'cache-control': 'no-store' });
  });
}
