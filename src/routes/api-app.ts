/**
 * @module routes/api-app
 * Assembles the REST surface (`/api/*` and `/.well-known/*`): every route module registers on
 * one OpenAPIHono app with an access declaration, so `/api/openapi.json` is generated from the
 * routes' zod schemas and the catalogue lists who may call each route. Validation failures are
 * 422 in FastAPI's shape; every other error goes through `wire/http-errors`.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { RouteCatalogue } from './access.ts';
import { registerAuthorizeFlowRoutes } from './auth/authorize-flow.ts';
import { registerDeviceFlowRoutes } from './auth/device-flow.ts';
import { registerLegacyExchangeRoute } from './auth/legacy.ts';
import { registerTokenManagementRoutes } from './auth/management.ts';
import { registerClientRegistrationRoute } from './auth/register.ts';
import { registerTokenRoute } from './auth/token.ts';
import { registerUserinfoRoute } from './auth/userinfo.ts';
import { registerConfigRoutes } from './config.ts';
import type { ApiDeps } from './deps.ts';
import { registerDocsRoutes } from './docs.ts';
import type { ApiEnv } from './env.ts';
import { registerHealthRoutes } from './health.ts';
import { registerOAuthMetadataRoutes } from './oauth-metadata.ts';
import { registerOpenApiModels } from './openapi-models.ts';
import { registerJobQueryRoutes } from './jobs/query.ts';
import { registerSandboxRoutes } from './jobs/sandboxes.ts';
import { registerJobStatusRoutes } from './jobs/status.ts';
import { registerJobSubmissionRoutes } from './jobs/submission.ts';
import { registerPilotRoutes } from './pilots.ts';
import { registerRssRoutes } from './rss.ts';
import { validationHook } from './validation.ts';
import { registerWellKnownRoutes } from './well-known.ts';

/** DiracX's OpenAPI title; the Python client is generated from this document. */
export const OPENAPI_INFO = { title: 'Dirac', version: '0.1.0' };

/** How the extensions' routes join the app (`extensions/compose.ts` builds it from the manifest). */
export type RegisterExtensionRoutes = (app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue) => void;

export interface ApiApp {
  app: OpenAPIHono<ApiEnv>;
  catalogue: RouteCatalogue;
}

/** The REST app: the core routes, then those `registerExtensionRoutes` adds (under `/api/<name>/`). */
export function createApiApp(deps: ApiDeps, registerExtensionRoutes?: RegisterExtensionRoutes): ApiApp {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const catalogue = new RouteCatalogue();
  registerOpenApiModels(app);
  registerHealthRoutes(app, deps, catalogue);
  registerConfigRoutes(app, deps, catalogue);
  registerWellKnownRoutes(app, deps, catalogue);
  registerOAuthMetadataRoutes(app, deps, catalogue);
  registerUserinfoRoute(app, deps, catalogue);
  registerDeviceFlowRoutes(app, deps, catalogue);
  registerAuthorizeFlowRoutes(app, deps, catalogue);
  registerTokenRoute(app, deps, catalogue);
  registerTokenManagementRoutes(app, deps, catalogue);
  registerClientRegistrationRoute(app, deps, catalogue);
  registerLegacyExchangeRoute(app, deps, catalogue);
  registerJobSubmissionRoutes(app, deps, catalogue);
  registerJobQueryRoutes(app, deps, catalogue);
  registerJobStatusRoutes(app, deps, catalogue);
  registerSandboxRoutes(app, deps, catalogue);
  registerPilotRoutes(app, deps, catalogue);
  registerRssRoutes(app, deps, catalogue);
  registerExtensionRoutes?.(app, deps, catalogue);
  registerDocsRoutes(app, catalogue);
  app.openAPIRegistry.registerComponent('securitySchemes', 'OAuth2AuthorizationCodeBearer', {
    type: 'oauth2',
    flows: {
      authorizationCode: { authorizationUrl: '/api/auth/authorize', tokenUrl: '/api/auth/token', scopes: {} },
    },
  });
  catalogue.declare('GET', '/api/openapi.json', { kind: 'public' });
  // DiracX publishes OpenAPI 3.0 (it downgrades FastAPI's 3.1) for its AutoREST client.
  // Behind a proxy that mounts us under a prefix, the document says so (as FastAPI's root_path does).
  app.doc('/api/openapi.json', (c) => ({
    openapi: '3.0.2',
    info: OPENAPI_INFO,
    ...(c.env?.publicPrefix ? { servers: [{ url: c.env.publicPrefix }] } : {}),
  }));
  return { app, catalogue };
}
