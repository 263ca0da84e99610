/**
 * The security matrix: every REST route (the OpenAPI document and the route catalogue) and
 * every MCP tool of `tools/list`, the gubbins extension's included, called as the owner of a
 * job, a user of the same VO, a user of another VO, a JobAdministrator, a pilot, and with no
 * token, an expired token, a token for another audience, the owner's valid token for the other
 * entry point (an /mcp token at REST, a REST token at /mcp), a token signed by an unknown key and
 * an unsigned (`alg: none`) one. Each cell's expected outcome is derived from the policies in
 * force (the checks the request asks for, run against the real policy registry, mapped to
 * statuses and codes by the product's own error mapping) and from the job query scope; no
 * response to a refused call, and no response to someone who may not see the job, carries the
 * job's data. A route or tool without an entry in `entries.ts` fails. Every core policy has an
 * override in force here (gubbins' `wms`, pass-through ones for the others), and every route
 * and tool that declares a policy must reach the override, never the core policy directly.
 */
import { afterAll, beforeAll, describe, expect, it, spyOn } from 'bun:test';
import { jobQueryScope } from '../../src/logic/jobs/query.ts';
import { CORE_POLICIES } from '../../src/policies/core.ts';
import { wmsPolicy } from '../../src/policies/wms.ts';
import { createApiApp } from '../../src/routes/api-app.ts';
import type { AccessPolicy } from '../../src/policies/base.ts';
import { requestFor, ROUTES, TOOLS, type RouteRequest } from './entries.ts';
import { send as sendAs, type Reply } from './send.ts';
import { CALLERS, createWorld, isPerson, newCell, type Caller, type Cell, type Person, type World } from './fixture.ts';

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(() => world.dispose());

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const openApiPath = (honoPath: string): string => honoPath.replace(/:(\w+)/g, '{$1}');

const send = (caller: Caller, method: string, path: string, body: unknown, forMcp: boolean): Promise<Reply> =>
  sendAs(world, caller, method, path, body, forMcp);

const wms = (args: unknown): [AccessPolicy<never>, unknown] => [wmsPolicy as AccessPolicy<never>, args];

/** Whether `person` may see the cell's job: it is in their query scope, or they may read or manage it. */
async function maySeeJob(person: Person, cell: Cell): Promise<boolean> {
  const job = await cell.job();
  for (const action of ['read', 'manage'])
    if (!(await world.refusal(person, [wms({ action, jobIds: [job] })]))) return true;
  if (await world.refusal(person, [wms({ action: 'query' })])) return false;
  const scope = jobQueryScope(await world.user(person), world.app.config.current().config);
  return scope.vo === 'lhcb' && (scope.owner === undefined || scope.owner === 'chaen');
}

/** What any reply must respect: no 5xx; the job's data only for those who may see it. */
async function expectNoLeak(who: string, caller: Caller, cell: Cell, reply: Reply): Promise<void> {
  expect({ who, status: reply.status < 500 }).toEqual({ who, status: true });
  const mayKnow = isPerson(caller) && (await maySeeJob(caller, cell));
  if (!mayKnow) expect({ who, leaks: reply.text.includes(cell.marker) }).toEqual({ who, leaks: false });
}

/** A refused REST call says only `detail`. */
function expectBareRefusal(who: string, reply: Reply): void {
  expect({ who, keys: Object.keys(JSON.parse(reply.text) as object) }).toEqual({ who, keys: ['detail'] });
}

describe('the matrix covers', () => {
  it('every documented and registered REST route, with the access the catalogue declares', async () => {
    const doc = (await (await world.app.fetch('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => HTTP_METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const { catalogue } = createApiApp(world.app.apiDeps, world.app.extensions.registerRoutes);
    const declared = new Map(catalogue.entries().map((e) => [`${e.method} ${openApiPath(e.path)}`, e.access.kind]));
    const routes = [...new Set([...documented, ...declared.keys()])].sort();
    expect(routes.filter((r) => !(r in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !routes.includes(r))).toEqual([]);
    const mismatched = routes.filter((r) => declared.has(r) && declared.get(r) !== ROUTES[r]!.access);
    expect(mismatched).toEqual([]);
  });

  it('every MCP tool of tools/list', async () => {
    const reply = await send(
      'owner',
      'POST',
      '/mcp',
      { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
      true,
    );
    const names = (JSON.parse(reply.text) as { result: { tools: { name: string }[] } }).result.tools
      .map((t) => t.name)
      .sort();
    expect(names.length).toBeGreaterThan(15);
    expect(names).toEqual(Object.keys(TOOLS).sort());
  });
});

describe('REST routes', () => {
  for (const [route, entry] of Object.entries(ROUTES)) {
    const [method] = route.split(' ') as [string];
    it(`${route}: as the policies say, for everyone`, async () => {
      const request = (cell: Cell): Promise<RouteRequest> => requestFor(route, cell);
      const baseline =
        entry.access === 'public'
          ? await send(
              'noToken',
              method,
              (await request(newCell(world))).path,
              (await request(newCell(world))).body,
              false,
            )
          : undefined;
      for (const caller of CALLERS) {
        const cell = newCell(world);
        const req = await request(cell);
        const reply = await send(caller, method, req.path, req.body, false);
        const who = `${route} as ${caller}`;
        await expectNoLeak(who, caller, cell, reply);
        if (entry.access === 'public') {
          // Public routes ignore credentials: everyone is answered as if they sent none.
          expect({ who, status: reply.status }).toEqual({ who, status: baseline!.status });
        } else if (!isPerson(caller)) {
          expect({ who, status: reply.status }).toEqual({ who, status: 401 });
          // A valid token for another audience is named as such (RFC 6750 invalid_token); the rest as DiracX does.
          const challenge = ['otherAudience', 'otherSide'].includes(caller)
            ? 'Bearer error="invalid_token", error_description="The token was not issued for this API"'
            : 'Bearer';
          expect({ who, challenge: reply.headers.get('www-authenticate') }).toEqual({ who, challenge });
          expectBareRefusal(who, reply);
        } else {
          const refusal = entry.access === 'policy' ? await world.refusal(caller, await entry.checks(cell)) : undefined;
          if (refusal) {
            expect({ who, status: reply.status }).toEqual({ who, status: refusal.status });
            expectBareRefusal(who, reply);
          } else {
            expect({ who, refused: [401, 403].includes(reply.status) }).toEqual({ who, refused: false });
          }
        }
      }
    });
  }
});

interface ToolReply {
  result?: { isError?: boolean; content?: { text?: string }[] };
  error?: { code: number };
}

describe('MCP tools', () => {
  for (const [name, entry] of Object.entries(TOOLS)) {
    it(`${name}: as the policies say, for everyone`, async () => {
      for (const caller of CALLERS) {
        const cell = newCell(world);
        const reply = await send(
          caller,
          'POST',
          '/mcp',
          { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: await entry.args(cell) } },
          true,
        );
        const who = `${name} as ${caller}`;
        await expectNoLeak(who, caller, cell, reply);
        if (!isPerson(caller)) {
          expect({ who, status: reply.status }).toEqual({ who, status: 401 });
          expect(reply.headers.get('www-authenticate') ?? '').toContain('resource_metadata=');
          continue;
        }
        expect({ who, status: reply.status }).toEqual({ who, status: 200 });
        const body = JSON.parse(reply.text) as ToolReply;
        const text = body.result?.content?.[0]?.text ?? '';
        const refusal = await world.refusal(caller, await entry.checks(cell));
        const hidden = entry.scopedToJob && !(await maySeeJob(caller, cell));
        const expected = refusal ? refusal.code : hidden ? 'NOT_FOUND' : undefined;
        if (expected) {
          expect({ who, isError: body.result?.isError, code: text.split(':')[0] }).toEqual({
            who,
            isError: true,
            code: expected,
          });
        } else {
          expect({ who, isError: body.result?.isError ?? false, error: body.error }).toEqual({
            who,
            isError: false,
            error: undefined,
          });
        }
      }
    });
  }
});

describe('policy overrides are in force on every path', () => {
  /** Core policy id → the calls of the implementation in force (an extension's override). */
  const inForce = new Map<string, ReturnType<typeof spyOn>>();
  beforeAll(() => {
    for (const core of CORE_POLICIES) {
      const effective = world.app.extensions.policies.resolve(core);
      expect({ id: core.id, overridden: effective !== core }).toEqual({ id: core.id, overridden: true });
      inForce.set(core.id, spyOn(effective, 'check'));
    }
  });
  afterAll(() => {
    for (const spy of inForce.values()) spy.mockRestore();
  });
  const clearCalls = (): void => {
    for (const spy of inForce.values()) spy.mockClear();
  };
  /** The core policy ids whose override was called since the last clear. */
  const reached = (): string[] =>
    [...inForce]
      .filter(([, spy]) => spy.mock.calls.length > 0)
      .map(([id]) => id)
      .sort();
  /** The core policy ids among `checks` (an extension's own policies have no core to bypass). */
  const coreIds = (checks: readonly (readonly [{ id: string }, unknown])[]): string[] =>
    [...new Set(checks.map(([p]) => p.id).filter((id) => inForce.has(id)))].sort();

  it('every REST route declaring a core policy calls its override for each check it makes (as the owner)', async () => {
    const { catalogue } = createApiApp(world.app.apiDeps, world.app.extensions.registerRoutes);
    const routes = catalogue
      .entries()
      .flatMap((e) =>
        e.access.kind === 'policy' && inForce.has(e.access.policy.id)
          ? [{ route: `${e.method} ${openApiPath(e.path)}`, declared: e.access.policy.id }]
          : [],
      );
    expect(routes.length).toBeGreaterThan(15);
    for (const { route, declared } of routes) {
      const entry = ROUTES[route]!;
      if (entry.access !== 'policy')
        throw new Error(`${route} declares a policy in the catalogue but not in entries.ts`);
      const cell = newCell(world);
      const req = await entry.request(cell);
      const checks = await entry.checks(cell);
      const [method] = route.split(' ') as [string];
      clearCalls();
      await send('owner', method, req.path, req.body, false);
      const expected = [...new Set([declared, ...coreIds(checks)])].sort();
      expect({ route, reached: reached().filter((id) => expected.includes(id)) }).toEqual({
        route,
        reached: expected,
      });
    }
  });

  it('a sandbox download by PFN reaches the wms override when the sandbox belongs to a job', async () => {
    const cell = newCell(world);
    const [job, pfn] = [await cell.job(), await cell.pfn()];
    expect((await send('owner', 'PATCH', `/api/jobs/${job}/sandbox/output`, pfn, false)).status).toBe(200);
    clearCalls();
    await send('jobAdministrator', 'GET', `/api/jobs/sandbox?pfn=${encodeURIComponent(pfn)}`, undefined, false);
    expect(reached()).toEqual(['sandbox', 'wms']);
    const wmsCalls = inForce.get('wms')!.mock.calls.map((call: unknown[]) => call[1]);
    expect(wmsCalls).toEqual([{ action: 'read', jobIds: [job] }]);
  });

  it('every MCP tool declaring a core policy calls its override (as the owner)', async () => {
    const tools = world.app.extensions.tools.flatMap((t) =>
      t.access.kind === 'policy' && inForce.has(t.access.policy.id)
        ? [{ name: t.name, declared: t.access.policy.id }]
        : [],
    );
    expect(tools.length).toBeGreaterThan(10);
    for (const { name, declared } of tools) {
      const cell = newCell(world);
      const args = await TOOLS[name]!.args(cell);
      clearCalls();
      await send(
        'owner',
        'POST',
        '/mcp',
        { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
        true,
      );
      expect({ name, reached: reached().includes(declared) }).toEqual({ name, reached: true });
    }
  });
});
