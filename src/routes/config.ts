/**
 * @module routes/config
 * `GET /api/config/` as DiracX serves it (`routers/configuration.py`): the whole configuration
 * by alias, with `ETag`/`Last-Modified` and 304 answers to conditional requests. As in DiracX,
 * it needs a valid token but no policy (`@open_access`).
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { ConfigObjectSchema } from '../config/schema.ts';
import { servedConfig } from '../config/served.ts';
import { defineRoute, type RouteCatalogue } from './access.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';
import { publicBaseUrl } from './forwarded.ts';
import { evaluateConditional } from './http-cache.ts';

const serveConfigRoute = (catalogue: RouteCatalogue, deps: ApiDeps) =>
  // DiracX: a valid token, no policy (`@open_access`).
  defineRoute(catalogue, deps, { kind: 'open' }, {
    method: 'get',
    path: '/api/config/',
    operationId: 'config_serve_config',
    tags: ['config'],
    summary: 'Serve Config',
    description:
      'Get the latest view of the config. If If-None-Match matches the latest ETag, or If-Modified-Since is newer than the latest change, answer 304.',
    request: {
      headers: z.object({
        'if-none-match': z.string().optional(),
        'if-modified-since': z.string().optional(),
      }),
    },
    responses: {
      200: {
        description: 'The configuration, in DiracX format',
        // With the extensions' user fields (gubbins' `GubbinsSpecificInfo`), as DiracX's extended `Config` model.
        content: { 'application/json': { schema: deps.configDocumentSchema ?? ConfigObjectSchema } },
      },
      304: { description: 'The client copy is current' },
    },
  });

export function registerConfigRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  app.openapi(serveConfigRoute(catalogue, deps), (c) => {
    const snapshot = deps.config.current();
    const headers = c.req.valid('header');
    const { headers: validators, notModified } = evaluateConditional(snapshot, {
      ifNoneMatch: headers['if-none-match'],
      ifModifiedSince: headers['if-modified-since'],
    });
    if (notModified) return c.body(null, 304, validators);
    return c.json(servedConfig(snapshot.config) as Record<string, unknown>, 200, validators);
  });
  // FastAPI redirects the slash-less path to the canonical one; clients follow it.
  catalogue.declare('GET', '/api/config', { kind: 'public' });
  app.get('/api/config', (c) => c.redirect(`${publicBaseUrl(c)}/api/config/`, 307));
}
