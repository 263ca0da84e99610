/**
 * Health probes through the real handler: DiracX's bodies when healthy, 503 with DiracX's
 * detail when the database cannot be reached or the configuration is not loaded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { ConfigStore } from '../../src/config/store.ts';
import { openDatabase, IN_MEMORY } from '../../src/db/open.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

describe('health probes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.dispose());

  it.each([
    ['/api/health/live', { status: 'live' }],
    ['/api/health/ready', { status: 'ready' }],
    ['/api/health/startup', { status: 'startup complete' }],
  ])('answers %s with 200 and DiracX body', async (path, body) => {
    const res = await app.fetch(path);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(body);
  });

  it('keeps the probes out of the OpenAPI document, as DiracX does', async () => {
    const doc = (await (await app.fetch('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/health'))).toBe(false);
  });
});

describe('health probes without a reachable database', () => {
  let app: TestApp;
  beforeAll(async () => {
    // A real postgres.js client pointed at a port nothing listens on: connection refused.
    const unreachable = await openDatabase({
      url: 'postgres://nobody@127.0.0.1:1/none',
      dataDir: IN_MEMORY,
      poolSize: 1,
    });
    app = await createTestApp({ database: unreachable });
  });
  afterAll(async () => {
    await app.database.close();
    await app.dispose();
  });

  it('answers ready and startup with 503, DiracX detail and Retry-After', async () => {
    for (const path of ['/api/health/ready', '/api/health/startup']) {
      const res = await app.fetch(path);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(await res.json()).toEqual({ detail: 'AuthDB ping failed' });
    }
  });

  it('keeps answering live with 200: liveness does not depend on the database', async () => {
    expect((await app.fetch('/api/health/live')).status).toBe(200);
  });
});

describe('health probes before the configuration is loaded', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ config: new ConfigStore() });
  });
  afterAll(() => app.dispose());

  it('answers live with 503 and a clear detail', async () => {
    const res = await app.fetch('/api/health/live');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ detail: 'Configuration is not loaded yet' });
  });
});
