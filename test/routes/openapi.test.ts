/**
 * The OpenAPI document at /api/openapi.json is generated from the routes' zod schemas: every
 * registered API route (except DiracX's hidden probes and the docs assets) appears in it with a
 * DiracX-style operationId; /api/docs serves a self-hosted Swagger UI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createApiApp } from '../../src/routes/api-app.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

interface OpenApiDoc {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, { operationId?: string }>>;
}

/** Routes that are deliberately not in the document, as in DiracX. */
const UNDOCUMENTED = [/^\/api\/health\//, /^\/api\/docs/, /^\/api\/openapi\.json$/, /^\/api\/config$/, /^\/api\/pilots$/];

describe('GET /api/openapi.json', () => {
  let app: TestApp;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    app = await createTestApp();
    const res = await app.fetch('/api/openapi.json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDoc;
  });
  afterAll(() => app.dispose());

  it('is an OpenAPI 3.0 document titled as DiracX titles it', () => {
    expect(doc.openapi).toStartWith('3.0.');
    expect(doc.info.title).toBe('Dirac');
  });

  it('documents the config route with DiracX operationId', () => {
    expect(doc.paths['/api/config/']?.get?.operationId).toBe('config_serve_config');
  });

  it('lists every registered API route', () => {
    const { app: api } = createApiApp(app.apiDeps);
    const registered = api.routes
      .filter((r) => r.method !== 'ALL' && !UNDOCUMENTED.some((re) => re.test(r.path)))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect(registered.length).toBeGreaterThan(0);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    for (const route of registered) expect(documented).toContain(route);
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('GET /api/docs', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.dispose());

  it('serves a Swagger UI page pointing at the OpenAPI document', async () => {
    const res = await app.fetch('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    // Relative to /api/docs, so that a proxy's path prefix is kept.
    expect(html).toContain("url: 'openapi.json'");
    expect(html).toContain('href="docs/swagger-ui.css"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('serves the page assets itself', async () => {
    const js = await app.fetch('/api/docs/swagger-ui-bundle.js');
    const css = await app.fetch('/api/docs/swagger-ui.css');
    expect(js.status).toBe(200);
    expect(css.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain('SwaggerUIBundle');
  });
});
