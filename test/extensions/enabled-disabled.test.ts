/**
 * The same server with gubbins enabled and disabled (a manifest without it): disabled, none of
 * gubbins is reachable (routes 404, tools absent, core policy untightened, no table); enabled,
 * all of it is, including its tightening of the core WMS policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import gubbins from '@diracx-ts/gubbins';
import { call, submitJob } from '../routes/jobs/harness.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

let core: TestApp;
let extended: TestApp;
beforeAll(async () => {
  [core, extended] = await Promise.all([createTestApp(), createTestApp({ extensions: [gubbins] })]);
});
afterAll(async () => {
  await Promise.all([core.dispose(), extended.dispose()]);
});

const adminKills = async (app: TestApp): Promise<number> => {
  const job = await submitJob(app, 'owner');
  return (
    await call(app, 'admin', 'PATCH', '/api/jobs/status', {
      [job]: { [new Date().toISOString()]: { Status: 'Killed' } },
    })
  ).status;
};

describe('gubbins disabled vs enabled', () => {
  it('serves its routes only when enabled', async () => {
    expect((await call(core, 'owner', 'GET', '/api/gubbins/owners')).status).toBe(404);
    expect((await call(extended, 'owner', 'GET', '/api/gubbins/owners')).status).toBe(200);
  });

  it('lists its tools only when enabled', () => {
    const names = (app: TestApp) => app.extensions.tools.map((t) => t.name).filter((n) => n.includes('gubbins'));
    expect(names(core)).toEqual([]);
    expect(names(extended).length).toBeGreaterThanOrEqual(2);
  });

  it('documents its routes in OpenAPI only when enabled', async () => {
    const paths = async (app: TestApp) =>
      Object.keys(
        ((await (await app.fetch('/api/openapi.json')).json()) as { paths: Record<string, unknown> }).paths,
      ).filter((p) => p.startsWith('/api/gubbins/'));
    expect(await paths(core)).toEqual([]);
    expect(await paths(extended)).toContain('/api/gubbins/owners');
  });

  it('tightens the core WMS policy only when enabled', async () => {
    expect(await adminKills(core)).toBe(200);
    expect(await adminKills(extended)).toBe(403);
  });

  it('accepts its property in scopes only when enabled', async () => {
    const discovery = async (app: TestApp) =>
      ((await (await app.fetch('/.well-known/openid-configuration')).json()) as { scopes_supported: string[] })
        .scopes_supported;
    expect(await discovery(core)).not.toContain('property:GubbinsSensei');
    expect(await discovery(extended)).toContain('property:GubbinsSensei');
  });
});
