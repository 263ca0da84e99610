/**
 * Every REST entry point declares who may call it, and the declaration is enforced: the
 * catalogue covers every registered route; token routes refuse missing, malformed and invalid
 * tokens; a policy route that answers without calling its policy is caught; a policy denial
 * is a 403; an extension's policy override is the one that runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ForbiddenError } from '../../src/core/errors.ts';
import type { AccessPolicy } from '../../src/policies/base.ts';
import { PolicyRegistry } from '../../src/policies/registry.ts';
import { defineRoute, RouteCatalogue } from '../../src/routes/access.ts';
import { createApiApp } from '../../src/routes/api-app.ts';
import type { ApiEnv } from '../../src/routes/env.ts';
import { toHttpResponse } from '../../src/wire/http-errors.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.dispose());

/** A concrete path for a Hono route path (`:param` → a sample value). */
const concrete = (path: string): string => path.replace(/:(\w+)/g, '1');

describe('the route catalogue', () => {
  it('declares the access of every registered route', () => {
    const { app: api, catalogue } = createApiApp(app.apiDeps);
    const undeclared = api.routes
      .filter((r) => r.method !== 'ALL')
      .filter((r) => catalogue.get(r.method, r.path) === undefined)
      .map((r) => `${r.method} ${r.path}`);
    expect(api.routes.length).toBeGreaterThan(5);
    expect(undeclared).toEqual([]);
  });

  it('refuses to declare the same route twice', () => {
    const catalogue = new RouteCatalogue();
    catalogue.declare('GET', '/x', { kind: 'public' });
    expect(() => catalogue.declare('get', '/x', { kind: 'open' })).toThrow('declared twice');
  });
});

describe('routes that need a token', () => {
  const protectedRoutes = (): { method: string; path: string }[] =>
    createApiApp(app.apiDeps)
      .catalogue.entries()
      .filter((e) => e.access.kind !== 'public');

  it('exist', () => {
    expect(protectedRoutes().length).toBeGreaterThan(0);
  });

  it('answer a request without Authorization with 401, WWW-Authenticate and DiracX detail', async () => {
    for (const { method, path } of protectedRoutes()) {
      const res = await app.fetch(concrete(path), { method });
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 401 });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ detail: 'Authorization header is missing' });
    }
  });

  it('answer a header that is not "Bearer <token>" with 400', async () => {
    for (const { method, path } of protectedRoutes()) {
      for (const header of ['Basic dXNlcjpwYXNz', 'bearer abc', 'Bearer']) {
        const res = await app.fetch(concrete(path), { method, headers: { authorization: header } });
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ detail: 'Invalid authorization header' });
      }
    }
  });

  it('answer an invalid token with 401 Invalid JWT, logging why', async () => {
    for (const { method, path } of protectedRoutes()) {
      const before = app.logs.length;
      const res = await app.fetch(concrete(path), { method, headers: { authorization: 'Bearer abc.def.ghi' } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toEqual({ detail: 'Invalid JWT' });
      expect(refusalsSince(before)).toEqual([{ reason: 'ERR_JWS_INVALID' }]);
    }
  });

  it('accept DiracX tokens (no audience) and ours, and refuse ones for /mcp or another audience', async () => {
    const asUser = async (options: { audience?: string }): Promise<number> => {
      const token = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', options);
      return (await app.fetch('/api/auth/userinfo', { headers: { authorization: `Bearer ${token}` } })).status;
    };
    expect(await asUser({})).toBe(200);
    expect(await asUser({ audience: app.apiDeps.auth.issuer })).toBe(200);
    for (const audience of [`${app.apiDeps.auth.issuer}/mcp`, 'https://elsewhere.example/api']) {
      const token = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', { audience });
      const before = app.logs.length;
      const res = await app.fetch('/api/auth/userinfo', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer error="invalid_token", error_description="The token was not issued for this API"',
      );
      expect(await res.json()).toEqual({ detail: 'Invalid JWT' });
      // A valid token refused by the audience rule alone, not by the verifier.
      expect(refusalsSince(before)).toEqual([{ reason: 'audience' }]);
    }
  });
});

/** The reasons of the "access token refused" log lines written since `before`. */
function refusalsSince(before: number): Record<string, unknown>[] {
  return app.logs
    .slice(before)
    .filter((line) => line.msg === 'access token refused')
    .map(({ level: _level, msg: _msg, time: _time, ...fields }) => fields);
}

describe('policy enforcement', () => {
  const calls: string[] = [];
  const corePolicy: AccessPolicy<{ allow: boolean }> = {
    id: 'test',
    async check(ctx, args) {
      calls.push(`core:${ctx.user.preferredUsername}`);
      if (!args.allow) throw new ForbiddenError('Not for you');
    },
  };

  /** A tiny app with three policy routes: one that calls its policy, one that denies, one that forgets. */
  function buildApp(policies: PolicyRegistry, devCrash: boolean): OpenAPIHono<ApiEnv> {
    const deps = { ...app.apiDeps, policies, devCrashOnMissedPolicy: devCrash };
    const catalogue = new RouteCatalogue();
    const api = new OpenAPIHono<ApiEnv>();
    api.onError((err) => toHttpResponse(err, deps.log));
    const route = (path: string) =>
      defineRoute(
        catalogue,
        deps,
        { kind: 'policy', policy: corePolicy },
        {
          method: 'get',
          path,
          responses: {
            200: { description: 'ok', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } },
          },
        },
      );
    api.openapi(route('/calls'), async (c) => {
      await c.get('access').check(corePolicy, { allow: true });
      return c.json({ ok: true }, 200);
    });
    api.openapi(route('/denied'), async (c) => {
      await c.get('access').check(corePolicy, { allow: false });
      return c.json({ ok: true }, 200);
    });
    api.openapi(route('/forgets'), (c) => c.json({ ok: true }, 200));
    return api;
  }

  const get = async (api: OpenAPIHono<ApiEnv>, path: string): Promise<Response> =>
    api.fetch(
      new Request(`http://test${path}`, {
        headers: { authorization: `Bearer ${await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen')}` },
      }),
    );

  it('lets a route that calls its policy answer', async () => {
    calls.length = 0;
    const res = await get(buildApp(new PolicyRegistry(), true), '/calls');
    expect(res.status).toBe(200);
    expect(calls).toEqual(['core:chaen']);
  });

  it('turns a policy denial into 403 with the policy detail', async () => {
    const res = await get(buildApp(new PolicyRegistry(), true), '/denied');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ detail: 'Not for you' });
  });

  it('answers 500 and logs when a route forgets its policy (development mode)', async () => {
    const before = app.logs.length;
    const res = await get(buildApp(new PolicyRegistry(), true), '/forgets');
    expect(res.status).toBe(500);
    const lines = app.logs.slice(before);
    expect(lines.some((l) => l.level === 'error' && String(l.msg).includes('without calling its access policy'))).toBe(
      true,
    );
  });

  it('only logs a forgotten policy outside development mode', async () => {
    const before = app.logs.length;
    const res = await get(buildApp(new PolicyRegistry(), false), '/forgets');
    expect(res.status).toBe(200);
    expect(app.logs.slice(before).some((l) => l.level === 'error')).toBe(true);
  });

  it('runs an override registered under the same policy id instead of the core policy', async () => {
    calls.length = 0;
    const override: AccessPolicy<{ allow: boolean }> = {
      id: 'test',
      async check(ctx) {
        calls.push(`override:${ctx.user.preferredUsername}`);
        throw new ForbiddenError('Extension says no');
      },
    };
    const res = await get(buildApp(new PolicyRegistry([override]), true), '/calls');
    expect(res.status).toBe(403);
    expect(calls).toEqual(['override:chaen']);
  });
});
