/**
 * @module routes/auth/device-flow
 * DiracX's device flow routes (`routers/auth/device_flow.py`), public: `POST /api/auth/device`
 * (query `client_id`, `scope`, and RFC 8707 `resource`, which must be ours) starts a flow;
 * `GET /api/auth/device?user_code=` sends the person to the VO's identity provider (307); the IdP
 * calls back at `GET /api/auth/device/complete` (307 to the finished page);
 * `GET /api/auth/device/complete/finished` tells the person to close the window (HTML). Device
 * authorizations and user-code lookups are rate limited per client and caller address.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { finishDeviceFlow, initiateDeviceFlow, startDeviceLogin } from '../../logic/auth/flows/device-flow.ts';
import { defineRoute, type RouteCatalogue } from '../access.ts';
import type { ApiDeps } from '../deps.ts';
import type { ApiEnv } from '../env.ts';
import { flowContext, limitCaller, urlWithoutQuery } from './flow-support.ts';

const DeviceAuthorizationSchema = z
  .object({
    user_code: z.string(),
    device_code: z.string(),
    verification_uri_complete: z.string(),
    verification_uri: z.string(),
    expires_in: z.number().int(),
    /** RFC 8628 §3.2; not in DiracX's model, which its client ignores. */
    interval: z.number().int(),
  })
  .openapi('InitiateDeviceFlowResponse');

const redirect = { 307: { description: 'Redirect' } } as const;
const route = <R extends Parameters<typeof defineRoute>[3]>(catalogue: RouteCatalogue, deps: ApiDeps, config: R): R =>
  defineRoute(catalogue, deps, { kind: 'public' }, { tags: ['auth'], ...config });

export function registerDeviceFlowRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  app.openapi(
    route(catalogue, deps, {
      method: 'post',
      path: '/api/auth/device',
      operationId: 'auth_initiate_device_flow',
      summary: 'Initiate Device Flow',
      // Examples: DiracX's own client id (the setting's default) and a scope of the shipped configuration.
      request: {
        query: z.object({
          client_id: z.string().max(255).openapi({ example: 'myDIRACClientID' }),
          scope: z.string().max(1024).openapi({ example: 'vo:lhcb group:lhcb_user' }),
          // RFC 8707; not in DiracX. Ours only (the issuer or /mcp), else 400 invalid_target.
          resource: z.string().max(1024).optional(),
        }),
      },
      responses: {
        200: {
          description: 'A device and user code',
          content: { 'application/json': { schema: DeviceAuthorizationSchema } },
        },
      },
    }),
    async (c) => {
      const { client_id: clientId, scope, resource } = c.req.valid('query');
      limitCaller(c, deps, deps.auth.flows.limits.login, clientId);
      const response = await initiateDeviceFlow(flowContext(deps), {
        clientId,
        scope,
        resource,
        verificationUri: urlWithoutQuery(c),
      });
      return c.json(response, 200, { 'cache-control': 'no-store' });
    },
  );

  app.openapi(
    route(catalogue, deps, {
      method: 'get',
      path: '/api/auth/device',
      operationId: 'auth_do_device_flow',
      summary: 'Do Device Flow',
      request: { query: z.object({ user_code: z.string() }) },
      responses: redirect,
    }),
    async (c) => {
      limitCaller(c, deps, deps.auth.flows.limits.login, '(user code)');
      const location = await startDeviceLogin(flowContext(deps), {
        userCode: c.req.valid('query').user_code,
        requestUrl: urlWithoutQuery(c),
      });
      return c.redirect(location, 307);
    },
  );

  app.openapi(
    route(catalogue, deps, {
      method: 'get',
      path: '/api/auth/device/complete',
      operationId: 'auth_finish_device_flow',
      summary: 'Finish Device Flow',
      request: { query: z.object({ code: z.string(), state: z.string() }) },
      responses: redirect,
    }),
    async (c) => {
      const { code, state } = c.req.valid('query');
      const requestUrl = urlWithoutQuery(c);
      await finishDeviceFlow(flowContext(deps), { code, state, requestUrl });
      return c.redirect(`${requestUrl}/finished`, 307);
    },
  );

  app.openapi(
    route(catalogue, deps, {
      method: 'get',
      path: '/api/auth/device/complete/finished',
      operationId: 'auth_finished',
      summary: 'Finished',
      responses: {
        200: { description: 'The end of the browser side', content: { 'text/html': { schema: z.string() } } },
      },
    }),
    (c) => c.html('<h1>Please close the window</h1>', 200),
  );
}
