/**
 * The OpenAPI document at /api/openapi.json is generated from the routes' zod schemas: every
 * registered API route (except DiracX's hidden probes and the docs assets) appears in it with a
 * DiracX-style operationId; /api/docs serves a self-hosted Swagger UI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import gubbins from '@diracx-ts/gubbins';
import { createApiApp } from '../../src/routes/api-app.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

interface OpenApiDoc {
  openapi: string;
  info: { title: string };
  paths: Record<string, Record<string, { operationId?: string }>>;
}

/** Routes that are deliberately not in the document, as in DiracX. */
const UNDOCUMENTED = [
  /^\/api\/health\//,
  /^\/api\/docs/,
  /^\/api\/openapi\.json$/,
  /^\/api\/config$/,
  /^\/api\/pilots$/,
];

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

// Found by schemathesis: the served document said more than these schemas allowed.
describe('GET /api/openapi.json describes the responses as they are', () => {
  interface Schema {
    properties?: Record<string, Schema>;
    additionalProperties?: Schema | boolean;
  }
  type Operation = { responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
  const fetchDoc = async (app: TestApp): Promise<Record<string, Record<string, Operation>>> => {
    const res = await app.fetch('/api/openapi.json');
    return ((await res.json()) as { paths: Record<string, Record<string, Operation>> }).paths;
  };
  /** The properties of a configuration user entry in the 200 schema of `GET /api/config/`. */
  const userProperties = (paths: Record<string, Record<string, Operation>>): string[] => {
    const config = paths['/api/config/']?.get?.responses['200']?.content?.['application/json']?.schema;
    const registry = config?.properties?.Registry?.additionalProperties;
    const users = typeof registry === 'object' ? registry.properties?.Users?.additionalProperties : undefined;
    return Object.keys(typeof users === 'object' ? (users.properties ?? {}) : {});
  };

  it("lists an extension's user fields in the configuration it serves (gubbins' GubbinsSpecificInfo)", async () => {
    const core = await createTestApp();
    const extended = await createTestApp({ extensions: [gubbins] });
    try {
      expect(userProperties(await fetchDoc(core))).not.toContain('GubbinsSpecificInfo');
      expect(userProperties(await fetchDoc(extended))).toContain('GubbinsSpecificInfo');
      const served = (await (
        await extended.fetch('/api/config/', {
          headers: { authorization: `Bearer ${await extended.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen')}` },
        })
      ).json()) as {
        Registry: Record<string, { Users: Record<string, Record<string, unknown>> }>;
      };
      const documented = userProperties(await fetchDoc(extended));
      for (const user of Object.values(served.Registry.lhcb?.Users ?? {}))
        expect(documented).toEqual(expect.arrayContaining(Object.keys(user)));
    } finally {
      await core.dispose();
      await extended.dispose();
    }
  });

  it("documents legacy exchange's 503 when it is not enabled, as DiracX answers it", async () => {
    const app = await createTestApp();
    try {
      expect(Object.keys((await fetchDoc(app))['/api/auth/legacy-exchange']?.get?.responses ?? {})).toContain('503');
      const res = await app.fetch('/api/auth/legacy-exchange?preferred_username=chaen&scope=vo:lhcb', {
        headers: { authorization: 'Bearer x' },
      });
      expect(res.status).toBe(503);
    } finally {
      await app.dispose();
    }
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
