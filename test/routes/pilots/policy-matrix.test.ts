/**
 * The pilot policy through every pilot route, for a ServiceAdministrator, a JobAdministrator, a
 * GenericPilot, a normal user, a user, pilot and ServiceAdministrator of another VO, and no
 * token: the status each gets, DiracX's 403/404 details, and no rows or counts outside the VO.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { PILOT_POLICY_MESSAGES } from '../../../src/policies/pilots.ts';
import { createPilotsTestApp, type Person, type PilotsTestApp } from './app.ts';

let t: PilotsTestApp;
beforeAll(async () => {
  t = await createPilotsTestApp();
  await t.register('lhcb', ['lhcb-1', 'lhcb-2', 'lhcb-3']);
  await t.register('gridpp', ['gridpp-1', 'gridpp-2']);
  await t.assign('lhcb-1', [7]);
  await t.assign('gridpp-1', [8]);
});
afterAll(() => t.dispose());

type Row = Record<string, unknown>;
type Case = [Person, number];
let fresh = 0;

/** Each route, its request (built fresh per call) and the status each person gets. */
const ROUTES: { name: string; request: () => [string, string, unknown]; expected: Case[] }[] = [
  {
    name: 'POST /api/pilots/ (into lhcb)',
    request: () => ['POST', '/api/pilots/', { pilot_stamp: `new-${++fresh}`, vo: 'lhcb' }],
    expected: [
      ['admin', 201],
      ['jobAdmin', 403],
      ['pilot', 201],
      ['user', 403],
      ['otherVo', 403],
      ['otherVoPilot', 403],
      ['otherVoAdmin', 201],
      ['anonymous', 401],
    ],
  },
  {
    name: 'PATCH /api/pilots/metadata (an lhcb pilot)',
    request: () => ['PATCH', '/api/pilots/metadata', { 'lhcb-2': { Status: 'Running' } }],
    expected: [
      ['admin', 204],
      ['jobAdmin', 403],
      ['pilot', 204],
      ['user', 403],
      ['otherVo', 403],
      ['otherVoPilot', 404],
      ['otherVoAdmin', 204],
      ['anonymous', 401],
    ],
  },
  {
    name: 'POST /api/pilots/search',
    request: () => ['POST', '/api/pilots/search', {}],
    expected: [
      ['admin', 200],
      ['jobAdmin', 200],
      ['pilot', 403],
      ['user', 200],
      ['otherVo', 200],
      ['otherVoPilot', 403],
      ['otherVoAdmin', 200],
      ['anonymous', 401],
    ],
  },
  {
    name: 'POST /api/pilots/summary',
    request: () => ['POST', '/api/pilots/summary', { grouping: ['VO'] }],
    expected: [
      ['admin', 200],
      ['jobAdmin', 200],
      ['pilot', 403],
      ['user', 200],
      ['otherVo', 200],
      ['otherVoPilot', 403],
      ['otherVoAdmin', 200],
      ['anonymous', 401],
    ],
  },
  {
    name: 'POST /api/pilots (redirect, before any token check)',
    request: () => ['POST', '/api/pilots', { pilot_stamp: 'never', vo: 'lhcb' }],
    expected: [
      ['anonymous', 307],
      ['user', 307],
    ],
  },
];

describe('the pilot policy on the pilot routes', () => {
  for (const route of ROUTES) {
    it.each(route.expected)(`${route.name} answers %s with %d`, async (who, status) => {
      const [method, path, body] = route.request();
      const res = await t.call(who, method, path, body);
      expect(res.status).toBe(status);
    });
  }

  it('declares every pilot route with the pilot policy, the redirect as public', () => {
    const declared = t.catalogue
      .entries()
      .map((e) => `${e.method} ${e.path} ${e.access.kind === 'policy' ? e.access.policy.id : e.access.kind}`);
    expect(declared.sort()).toEqual([
      'PATCH /api/pilots/metadata pilot',
      'POST /api/pilots public',
      'POST /api/pilots/ pilot',
      'POST /api/pilots/search pilot',
      'POST /api/pilots/summary pilot',
    ]);
  });

  it.each([
    [
      'a normal user registering',
      'user',
      'POST',
      '/api/pilots/',
      { pilot_stamp: 'deny-1', vo: 'lhcb' },
      PILOT_POLICY_MESSAGES.manage,
    ],
    [
      'a pilot registering into another VO',
      'pilot',
      'POST',
      '/api/pilots/',
      { pilot_stamp: 'deny-2', vo: 'gridpp' },
      PILOT_POLICY_MESSAGES.otherVo,
    ],
    [
      'a pilot updating two pilots',
      'pilot',
      'PATCH',
      '/api/pilots/metadata',
      { 'lhcb-2': {}, 'lhcb-3': {} },
      PILOT_POLICY_MESSAGES.manyStamps,
    ],
    ['a pilot searching', 'pilot', 'POST', '/api/pilots/search', {}, PILOT_POLICY_MESSAGES.pilotReads],
  ] as const)('answers %s with 403 and DiracX detail', async (_name, who, method, path, body, detail) => {
    const res = await t.call(who, method, path, body);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail });
  });

  it('lets a ServiceAdministrator update several pilots of several VOs at once', async () => {
    const res = await t.call('admin', 'PATCH', '/api/pilots/metadata', {
      'lhcb-3': { Queue: 'q' },
      'gridpp-2': { Queue: 'q' },
    });
    expect(res.status).toBe(204);
  });

  it('answers an unknown stamp with 404, as DiracX does, and a pilot of another VO alike', async () => {
    for (const stamp of ['nonexistent', 'lhcb-2']) {
      const res = await t.call('otherVoPilot', 'PATCH', '/api/pilots/metadata', { [stamp]: { Status: 'Done' } });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: PILOT_POLICY_MESSAGES.missing });
    }
  });
});

describe('VO scoping of search and summary', () => {
  const vos = async (who: Person, body: unknown): Promise<string[]> =>
    [
      ...new Set(((await t.call(who, 'POST', '/api/pilots/search', body)).body as Row[]).map((r) => String(r.VO))),
    ].sort();

  it('shows a normal user and a JobAdministrator only their own VO', async () => {
    expect(await vos('user', {})).toEqual(['lhcb']);
    expect(await vos('jobAdmin', {})).toEqual(['lhcb']);
    expect(await vos('otherVo', {})).toEqual(['gridpp']);
  });

  it('shows a ServiceAdministrator of either VO every VO', async () => {
    expect(await vos('admin', {})).toEqual(['gridpp', 'lhcb']);
    expect(await vos('otherVoAdmin', {})).toEqual(['gridpp', 'lhcb']);
  });

  it('cannot be widened by a filter on another VO or a job of another VO', async () => {
    const other = await t.call('user', 'POST', '/api/pilots/search', {
      search: [{ parameter: 'VO', operator: 'eq', value: 'gridpp' }],
    });
    expect([other.status, other.body]).toEqual([200, []]);
    const job = await t.call('user', 'POST', '/api/pilots/search', {
      search: [{ parameter: 'JobID', operator: 'in', values: [7, 8] }],
    });
    expect((job.body as Row[]).map((r) => r.PilotStamp)).toEqual(['lhcb-1']);
  });

  it('keeps the Content-Range total within the VO', async () => {
    const res = await t.call('otherVo', 'POST', '/api/pilots/search?per_page=1', {});
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('pilots 0-0/2');
  });

  it("counts only the caller's VO in a summary, every VO for a ServiceAdministrator", async () => {
    const summary = async (who: Person) =>
      (await t.call(who, 'POST', '/api/pilots/summary', { grouping: ['VO'] })).body;
    expect(await summary('otherVo')).toEqual([{ VO: 'gridpp', count: 2 }]);
    const all = (await summary('admin')) as Row[];
    expect(all.find((r) => r.VO === 'gridpp')).toEqual({ VO: 'gridpp', count: 2 });
    expect(all.map((r) => r.VO).sort()).toEqual(['gridpp', 'lhcb']);
  });
});
