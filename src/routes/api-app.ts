/**
 * @module routes/api-app
 * Assembles the REST API under `/api`: every route module registers on one OpenAPIHono app,
 * so `/api/openapi.json` is generated from the routes' zod schemas. Validation failures are
 * 422 in FastAPI's shape; every other error goes through `wire-errors`.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { registerConfigRoutes } from './config.ts';
import type { ApiDeps } from './deps.ts';
import { registerDocsRoutes } from './docs.ts';
import { registerHealthRoutes } from './health.ts';
import { validationHook } from './validation.ts';

/** DiracX's OpenAPI title; the Python client is generated from this document. */
export const OPENAPI_INFO = { title: 'Dirac', version: '0.1.0' };

export function createApiApp(deps: ApiDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: validationHook }).basePath('/api');
  registerHealthRoutes(app, deps);
  registerConfigRoutes(app, deps);
  registerDocsRoutes(app);
  // DiracX publishes OpenAPI 3.0 (it downgrades FastAPI's 3.1) for its AutoREST client.
  app.doc('/openapi.json', { openapi: '3.0.2', info: OPENAPI_INFO });
  return app;
}
