/**
 * @module routes/docs
 * The interactive API documentation at `/api/docs` (Swagger UI, as DiracX/FastAPI serves it),
 * self-hosted: its assets are bundled from `swagger-ui-dist` at build time, so the page works
 * without access to any CDN and the request path reads no files. Its links are relative, so the
 * page also works under a proxy's path prefix (`/diracx/api/docs`).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { RouteCatalogue } from './access.ts';
import type { ApiEnv } from './env.ts';
import swaggerCss from 'swagger-ui-dist/swagger-ui.css' with { type: 'text' };
import swaggerJs from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'text' };

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dirac - Swagger UI</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true });
  </script>
</body>
</html>
`;

const ASSET_CACHE = 'public, max-age=86400';

export function registerDocsRoutes(app: OpenAPIHono<ApiEnv>, catalogue: RouteCatalogue): void {
  for (const path of ['/api/docs', '/api/docs/swagger-ui.css', '/api/docs/swagger-ui-bundle.js']) {
    catalogue.declare('GET', path, { kind: 'public' });
  }
  app.get('/api/docs', (c) => c.html(PAGE));
  app.get('/api/docs/swagger-ui.css', (c) =>
    c.body(swaggerCss, 200, { 'content-type': 'text/css', 'cache-control': ASSET_CACHE }),
  );
  app.get('/api/docs/swagger-ui-bundle.js', (c) =>
    c.body(swaggerJs, 200, { 'content-type': 'text/javascript', 'cache-control': ASSET_CACHE }),
  );
}
