/**
 * The WMS policy through every jobs route, for the owner, another user of the same group, the
 * owner in another group, a JobAdministrator, a pilot, a user and an administrator of another
 * VO, and no token: the expected status codes, and no rows or counts from outside the scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { call, submitJob, type Person } from './harness.ts';

let app: TestApp;
let job = 0;
beforeAll(async () => {
  app = await createTestApp();
  job = await submitJob(app, 'owner');
  await submitJob(app, 'otherVo');
});
afterAll(() => app.dispose());

const NOW = '2026-11-26T12:00:00Z';
type Case = [Person, number];

/** Each route, its request (built fresh per call) and the status each person gets. */
const ROUTES: { name: string; request: () => [string, string, unknown]; expected: Case[] }[] = [
  {
    name: 'POST /api/jobs/jdl',
    request: () => ['POST', '/api/jobs/jdl', ['[Executable = "x";]']],
    expected: [
      ['owner', 201],
      ['sameGroup', 201],
      ['ownerOtherGroup', 201],
      ['admin', 403],
      ['pilot', 403],
      ['otherVo', 201],
      ['otherVoAdmin', 403],
      ['anonymous', 401],
    ],
  },
  {
    name: 'PATCH /api/jobs/status',
    request: () => ['PATCH', '/api/jobs/status', { [job]: { [NOW]: { MinorStatus: 'checked', Source: 'Test' } } }],
    expected: [
      ['owner', 200],
      ['sameGroup', 403],
      ['ownerOtherGroup', 200],
      ['admin', 200],
      ['pilot', 200],
      ['otherVo', 403],
      // Another VO's job is not found for them, as an id that names no job (DiracX's 404).
      ['otherVoAdmin', 404],
      ['anonymous', 401],
    ],
  },
  {
    // Forcing past the state machine is for job administrators only (DiracX's FORCE_STATUS).
    name: 'PATCH /api/jobs/status?force=true',
    request: () => [
      'PATCH',
      '/api/jobs/status?force=true',
      { [job]: { [NOW]: { MinorStatus: 'forced', Source: 'Test' } } },
    ],
    expected: [
      ['owner', 403],
      ['sameGroup', 403],
      ['ownerOtherGroup', 403],
      ['admin', 200],
      ['pilot', 403],
      ['otherVo', 403],
      ['otherVoAdmin', 404],
      ['anonymous', 401],
    ],
  },
  {
    name: 'PATCH /api/jobs/metadata',
    request: () => ['PATCH', '/api/jobs/metadata', { [job]: { Site: 'LCG.Policy.ch', HostName: 'wn1' } }],
    expected: [
      ['owner', 204],
      ['sameGroup', 403],
      ['admin', 204],
      ['pilot', 204],
      ['otherVo', 403],
      ['otherVoAdmin', 403],
      ['anonymous', 401],
    ],
  },
  {
    name: 'PATCH /api/jobs/heartbeat',
    request: () => ['PATCH', '/api/jobs/heartbeat', { [job]: { LoadAverage: 1.5 } }],
    expected: [
      ['owner', 200],
      ['sameGroup', 403],
      ['admin', 200],
      ['pilot', 200],
      ['otherVo', 403],
      ['otherVoAdmin', 403],
      ['anonymous', 401],
    ],
  },
  {
    name: 'POST /api/jobs/reschedule',
    request: () => ['POST', '/api/jobs/reschedule?reset_jobs=true', { job_ids: [job] }],
    expected: [
      ['owner', 200],
      ['sameGroup', 403],
      ['admin', 200],
      ['pilot', 200],
      ['otherVo', 403],
      ['otherVoAdmin', 403],
      ['anonymous', 401],
    ],
  },
  {
    name: 'POST /api/jobs/search',
    request: () => ['POST', '/api/jobs/search', {}],
    expected: [
      ['owner', 200],
      ['sameGroup', 200],
      ['admin', 200],
      ['pilot', 403],
      ['otherVo', 200],
      ['otherVoAdmin', 200],
      ['anonymous', 401],
    ],
  },
  {
    name: 'POST /api/jobs/summary',
    request: () => ['POST', '/api/jobs/summary', { grouping: ['VO'] }],
    expected: [
      ['owner', 200],
      ['admin', 200],
      ['pilot', 403],
      ['otherVo', 200],
      ['anonymous', 401],
    ],
  },
];

describe('the WMS policy on the jobs routes', () => {
  for (const route of ROUTES) {
    it.each(route.expected)(`${route.name} answers %s with %d`, async (who, status) => {
      const [method, path, body] = route.request();
      const res = await call(app, who, method, path, body);
      expect(res.status).toBe(status);
      if (status === 403) expect(res.body).toEqual({ detail: 'Forbidden' });
    });
  }

  it('refuses a mix of own and foreign job ids as a whole', async () => {
    const foreign = await submitJob(app, 'sameGroup');
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status', {
      [job]: { [NOW]: { MinorStatus: 'x' } },
      [foreign]: { [NOW]: { MinorStatus: 'x' } },
    });
    expect(res.status).toBe(403);
  });

  it('refuses unknown job ids with the same 403 as foreign ones (existence does not leak)', async () => {
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status', { 999999999: { [NOW]: { MinorStatus: 'x' } } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: 'Forbidden' });
  });
});

describe('search and summary scope', () => {
  const vos = async (who: Person): Promise<string[]> => {
    const res = await call(app, who, 'POST', '/api/jobs/search', { parameters: ['VO'], distinct: true });
    return (res.body as { VO: string }[]).map((r) => r.VO).sort();
  };

  it('shows each user only jobs of their VO, administrators included', async () => {
    expect(await vos('owner')).toEqual(['lhcb']);
    expect(await vos('admin')).toEqual(['lhcb']);
    expect(await vos('otherVo')).toEqual(['gridpp']);
    expect(await vos('otherVoAdmin')).toEqual(['gridpp']);
  });

  it('counts only jobs of the caller VO in summaries, even when the filter names another VO', async () => {
    const res = await call(app, 'otherVo', 'POST', '/api/jobs/summary', {
      grouping: ['VO'],
      search: [{ parameter: 'VO', operator: 'eq', value: 'lhcb' }],
    });
    expect(res.body).toEqual([]);
  });
});
