/**
 * @module routes/config
 * `GET /api/config/` as DiracX serves it (`routers/configuration.py`): the whole configuration
 * by alias, with `ETag`/`Last-Modified` and 304 answers to conditional requests. In DiracX this
 * route needs a valid token but no policy (`@open_access`); the token check is applied in front
 * of the `/api` routes by the auth layer.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ConfigObjectSchema } from '../config/schema.ts';
import type { ApiDeps } from './deps.ts';
import { evaluateConditional } from './http-cache.ts';

const serveConfig = createRoute({
  method: 'get',
  path: '/config/',
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
      content: { 'application/json': { schema: ConfigObjectSchema } },
    },
    304: { description: 'The client copy is current' },
  },
});

export function registerConfigRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  app.openapi(serveConfig, (c) => {
    const snapshot = deps.config.current();
    const headers = c.req.valid('header');
    const { headers: validators, notModified } = evaluateConditional(snapshot, {
      ifNoneMatch: headers['if-none-match'],
      ifModifiedSince: headers['if-modified-since'],
    });
    if (notModified) return c.body(null, 304, validators);
    return c.json(snapshot.config as Record<string, unknown>, 200, validators);
  });
  // FastAPI redirects the slash-less path to the canonical one; clients follow it.
  app.get('/config', (c) => c.redirect(new URL('/api/config/', c.req.url).toString(), 307));
}
