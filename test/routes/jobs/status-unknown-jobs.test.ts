/**
 * `PATCH /api/jobs/status` naming job ids that are not jobs of the caller's VO (issue 18, item 3):
 * DiracX's answer for a caller entitled to manage any job of their VO (404 with `{success: {},
 * failed}` when none is found, `failed` entries otherwise), another VO's job answered exactly as
 * an id that names no job, and 403 for a NormalUser either way (docs/compatibility.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { call, submitJob, type Person } from './harness.ts';

let app: TestApp;
let own = 0;
let foreign = 0;
const MISSING = 999_999_999;
beforeAll(async () => {
  app = await createTestApp();
  own = await submitJob(app, 'owner');
  foreign = await submitJob(app, 'otherVo');
});
afterAll(() => app.dispose());

// Stamped now: an update older than the job's history is logged but not applied.
const update = (...ids: number[]) =>
  Object.fromEntries(ids.map((id) => [id, { [new Date().toISOString()]: { MinorStatus: 'checked' } }]));
const patch = (who: Person, ids: number[], force = false) =>
  call(app, who, 'PATCH', `/api/jobs/status${force ? '?force=true' : ''}`, update(...ids));
const minorStatus = async (who: Person, id: number): Promise<string> => {
  const res = await call(app, who, 'POST', '/api/jobs/search', {
    parameters: ['MinorStatus'],
    search: [{ parameter: 'JobID', operator: 'eq', value: id }],
  });
  return (res.body as { MinorStatus: string }[])[0]!.MinorStatus;
};

describe('status updates of jobs that do not exist', () => {
  it.each(['admin', 'pilot'] as const)('answers %s 404 with DiracX body when no job is found', async (who) => {
    const res = await patch(who, [MISSING, MISSING + 1]);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      detail: { success: {}, failed: { [MISSING]: { detail: 'Not found' }, [MISSING + 1]: { detail: 'Not found' } } },
    });
  });

  it('answers 200 with the missing ids in failed when some jobs are found, and updates those', async () => {
    const res = await patch('pilot', [own, MISSING]);
    expect(res.status).toBe(200);
    const body = res.body as { success: Record<string, unknown>; failed: Record<string, unknown> };
    expect(Object.keys(body.success)).toEqual([String(own)]);
    expect(body.failed).toEqual({ [MISSING]: { detail: 'Not found' } });
    expect(await minorStatus('owner', own)).toBe('checked');
  });

  it('answers a forced update by a JobAdministrator the same way', async () => {
    const res = await patch('admin', [MISSING], true);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: { success: {}, failed: { [MISSING]: { detail: 'Not found' } } } });
  });

  it('refuses a NormalUser with 403, as DiracX does (its ownership check needs every job)', async () => {
    const res = await patch('owner', [own, MISSING]);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ detail: 'Forbidden' });
  });
});

describe('status updates of another VO’s jobs', () => {
  /** The reply with the job id written as `ID`, to compare answers about different ids. */
  const answer = async (who: Person, ids: number[], id: number, force = false) => {
    const res = await patch(who, ids, force);
    return { status: res.status, body: JSON.stringify(res.body).replaceAll(String(id), 'ID') };
  };

  it.each([
    ['admin', false],
    ['pilot', false],
    ['admin', true],
  ] as const)('answers %s (force=%p) as for an id that names no job, and changes nothing', async (who, force) => {
    const before = await minorStatus('otherVo', foreign);
    const aboutForeign = await answer(who, [foreign], foreign, force);
    expect(aboutForeign.status).toBe(404);
    expect(aboutForeign).toEqual(await answer(who, [MISSING], MISSING, force));
    expect(await minorStatus('otherVo', foreign)).toBe(before);
  });

  it('lists another VO’s job among the failed ones, as a missing one, next to a job of the caller’s VO', async () => {
    const before = await minorStatus('otherVo', foreign);
    const mixed = await answer('admin', [own, foreign], foreign);
    expect(mixed.status).toBe(200);
    const withMissing = await answer('admin', [own, MISSING], MISSING);
    const failed = (text: string) => (JSON.parse(text) as { failed: unknown }).failed;
    expect(failed(mixed.body)).toEqual(failed(withMissing.body));
    expect(failed(mixed.body)).toEqual({ ID: { detail: 'Not found' } });
    expect(await minorStatus('otherVo', foreign)).toBe(before);
  });

  it('refuses a NormalUser of another VO with the same 403 as for an id that names no job', async () => {
    const aboutOwn = await answer('otherVo', [own], own);
    expect(aboutOwn).toEqual({ status: 403, body: '{"detail":"Forbidden"}' });
    expect(aboutOwn).toEqual(await answer('otherVo', [MISSING], MISSING));
  });
});
