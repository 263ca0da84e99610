/**
 * @module routes/auth/authorize-flow
 * DiracX's authorization-code flow routes for web clients (`routers/auth/authorize_code_flow.py`),
 * public: `GET /api/auth/authorize` (query `response_type=code`, `code_challenge`,
 * `code_challenge_method=S256`, `client_id`, `redirect_uri`, `scope`, `state`, all required;
 * anything else is a 422) sends the person to the VO's identity provider (307); the IdP calls
 * back at `GET /api/auth/authorize/complete`, which sends the browser to the client's redirect
 * URI with our code and its state (307). Authorization requests are rate limited per client
 * and caller address.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { completeAuthorizationFlow, initiateAuthorizationFlow } from '../../logic/auth/authorize-flow.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { flowContext, limitCaller, urlWithoutQuery } from './flow-support.ts';

const AuthorizeQuerySchema = z.object({
  response_type: z.literal('code'),
  code_challenge: z.string().max(255),
  code_challenge_method: z.literal('S256'),
  client_id: z.string().max(255),
  redirect_uri: z.string().max(255),
  scope: z.string().max(1024),
  state: z.string(),
});

export function registerAuthorizeFlowRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  app.openapi(
    defineRoute(catalogue, deps, { kind: 'public' }, {
      method: 'get',
      path: '/api/auth/authorize',
      operationId: 'auth_initiate_authorization_flow',
      tags: ['auth'],
      summary: 'Initiate Authorization Flow',
      request: { query: AuthorizeQuerySchema },
      responses: { 307: { description: 'Redirect to the identity provider' } },
    }),
    async (c) => {
      const q = c.req.valid('query');
      limitCaller(c, deps, deps.auth.flows.limits.login, q.client_id);
      const location = await initiateAuthorizationFlow(
        flowContext(deps),
        {
          codeChallenge: q.code_challenge,
          codeChallengeMethod: q.code_challenge_method,
          clientId: q.client_id,
          redirectUri: q.redirect_uri,
          scope: q.scope,
          state: q.state,
        },
        urlWithoutQuery(c),
      );
      return c.redirect(location, 307);
    },
  );

  app.openapi(
    defineRoute(catalogue, deps, { kind: 'public' }, {
      method: 'get',
      path: '/api/auth/authorize/complete',
      operationId: 'auth_complete_authorization_flow',
      tags: ['auth'],
      summary: 'Complete Authorization Flow',
      request: { query: z.object({ code: z.string(), state: z.string() }) },
      responses: { 307: { description: "Redirect to the client's redirect URI" } },
    }),
    async (c) => {
      const { code, state } = c.req.valid('query');
      const location = await completeAuthorizationFlow(flowContext(deps), { code, state, requestUrl: urlWithoutQuery(c) });
      return c.redirect(location, 307);
    },
  );
}
