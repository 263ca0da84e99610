/**
 * @module routes/config
 * `GET /api/config/` as DiracX serves it (`routers/configuration.py`): the configuration by
 * alias, with `ETag`/`Last-Modified` and 304 answers to conditional requests. As in DiracX, it
 * needs a valid token but no policy (`@open_access`). Unlike DiracX, each caller gets their own
 * VO's part only, under that document's own ETag (`config/served.ts`), or, when the configuration
 * comes from a git repository (`DIRACX_CONFIG_BACKEND_URL`), under the commit sha as DiracX.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { ConfigObjectSchema } from '../config/schema.ts';
import { servedView } from '../config/served.ts';
import { defineRoute, type RouteCatalogue } from './access.ts';
import type { ApiDeps } from './deps.ts';
import type { ApiEnv } from './env.ts';
import { publicBaseUrl } from './forwarded.ts';
import { ConditionalRequestHeaders, evaluateConditional } from './http-cache.ts';

const serveConfigRoute = (catalogue: RouteCatalogue, deps: ApiDeps) =>
  // DiracX: a valid token, no policy (`@open_access`).
  defineRoute(
    catalogue,
    deps,
    { kind: 'open' },
    {
      method: 'get',
      path: '/api/config/',
      operationId: 'config_serve_config',
      tags: ['config'],
      summary: 'Serve Config',
      description:
        "Get the latest view of the config: the caller's VO only (other VOs' Registry and Operations sections and " +
        'every ServiceClients section removed), with an ETag of that view (the commit sha when the configuration ' +
        'is a git repository). If If-None-Match matches it, or ' +
        'If-Modified-Since is newer than the latest change, answer 304.',
      request: {
        headers: ConditionalRequestHeaders,
      },
      responses: {
        200: {
          description: 'The configuration, in DiracX format',
          // With the extensions' user fields (gubbins' `GubbinsSpecificInfo`), as DiracX's extended `Config` model.
          content: { 'application/json': { schema: deps.configDocumentSchema ?? ConfigObjectSchema } },
        },
        304: { description: 'The client copy is current' },
      },
    },
  );

export function registerConfigRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps, catalogue: RouteCatalogue): void {
  app.openapi(serveConfigRoute(catalogue, deps), async (c) => {
    const snapshot = deps.config.current();
    const view = await servedView(snapshot, c.get('user').vo);
    const headers = c.req.valid('header');
    const { headers: validators, notModified } = evaluateConditional(
      // From a git repository, DiracX's ETag (the commit sha), so that both servers of a fleet agree.
      { etag: snapshot.revision ?? view.etag, lastModified: snapshot.lastModified },
      { ifNoneMatch: headers['if-none-match'], ifModifiedSince: headers['if-modified-since'] },
    );
    if (notModified) return c.body(null, 304, validators);
    return c.json(view.document as Record<string, unknown>, 200, validators);
  });
  // FastAPI redirects the slash-less path to the canonical one; clients follow it.
  catalogue.declare('GET', '/api/config', { kind: 'public' });
  app.get('/api/config', (c) => c.redirect(`${publicBaseUrl(c)}/api/config/`, 307));
}
