/**
 * setJobStatuses against the real test database, ported from DiracX's `test_status.py`: status
 * changes through the state machine and with force, bulk updates with partial success, the 404
 * detail when no job exists, the 400 for naive timestamps with nothing written, and kill/delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { JobStatusChangesSchema } from '../../../src/logic/jobs/models.ts';
import { setJobStatuses } from '../../../src/logic/jobs/set-status.ts';
import {
  at,
  createJobsFixture,
  INVALID_JOB_IDS,
  readHistory,
  readJob,
  readJobs,
  readParameters,
  rejectionOf,
  seedJobs,
  T0,
  type JobsFixture,
} from './seed.ts';

let f: JobsFixture;
beforeAll(async () => {
  f = await createJobsFixture();
});
afterAll(() => f.t.dispose());

/** Validates a body as the route will, then sets the statuses. */
const patch = (body: unknown, force = false) => setJobStatuses(f.ctx, JobStatusChangesSchema.parse(body), force);

describe('setJobStatuses', () => {
  it('moves a received job to Checking and reports the new statuses', async () => {
    const [id] = await seedJobs(f, 1);
    const result = await patch({ [id!]: { [at()]: { Status: 'Checking', MinorStatus: 'JobPath' } } });
    expect(result.failed).toEqual({});
    expect(result.success[String(id)]).toEqual({
      Status: 'Checking',
      MinorStatus: 'JobPath',
      ApplicationStatus: null,
      HeartBeatTime: null,
      StartExecTime: null,
      EndExecTime: null,
      LastUpdateTime: T0.toISOString().replace('.000Z', 'Z'),
    });
    const job = await readJob(f, id!);
    expect(job).toMatchObject({ status: 'Checking', minorStatus: 'JobPath', applicationStatus: 'Unknown' });
    expect(job.lastUpdateTime).toEqual(T0);
    // DiracX 0.7.0 keeps the status in JobDB only: no job parameter (OpenSearch) is written.
    expect(await readParameters(f, id!)).toBeUndefined();
  });

  it('keeps the status the state machine refuses but applies the minor status', async () => {
    const [id] = await seedJobs(f, 1);
    const result = await patch({ [id!]: { [at()]: { Status: 'Running', MinorStatus: 'JobPath' } } });
    expect(Object.keys(result.success)).toEqual([String(id)]);
    expect(result.success[String(id)]).toMatchObject({ Status: 'Received', MinorStatus: 'JobPath' });
    expect(await readJob(f, id!)).toMatchObject({
      status: 'Received',
      minorStatus: 'JobPath',
      applicationStatus: 'Unknown',
    });
    const last = (await readHistory(f, id!)).at(-1);
    expect(last).toMatchObject({
      status: 'Received',
      minorStatus: 'JobPath',
      applicationStatus: 'idem',
      source: 'Unknown(SM)',
    });
  });

  it('applies a refused transition when forced', async () => {
    const [id] = await seedJobs(f, 1);
    const result = await patch({ [id!]: { [at()]: { Status: 'Running', MinorStatus: 'JobPath' } } }, true);
    expect(result.success[String(id)]).toMatchObject({ Status: 'Running', MinorStatus: 'JobPath' });
    expect(await readJob(f, id!)).toMatchObject({
      status: 'Running',
      minorStatus: 'JobPath',
      applicationStatus: 'Unknown',
    });
    expect((await readHistory(f, id!)).at(-1)).toMatchObject({ status: 'Running', source: 'Unknown' });
  });

  it('updates several jobs in one call', async () => {
    const ids = await seedJobs(f, 3, { status: 'Submitting', minorStatus: 'Bulk transaction confirmation' });
    const result = await patch(
      Object.fromEntries(ids.map((id) => [id, { [at()]: { Status: 'Checking', MinorStatus: 'JobPath' } }])),
    );
    for (const id of ids)
      expect(result.success[String(id)]).toMatchObject({ Status: 'Checking', MinorStatus: 'JobPath' });
    for (const job of await readJobs(f, ids))
      expect(job).toMatchObject({ status: 'Checking', minorStatus: 'JobPath', applicationStatus: 'Unknown' });
  });

  it('throws NotFoundError with the SetJobStatusReturn detail when no job exists', async () => {
    const err = await rejectionOf(
      patch({ [INVALID_JOB_IDS[0]!]: { [at()]: { Status: 'Checking', MinorStatus: 'JobPath' } } }),
    );
    expect(err.code).toBe('NOT_FOUND');
    expect(err.detail).toEqual({ success: {}, failed: { [String(INVALID_JOB_IDS[0])]: { detail: 'Not found' } } });
  });

  it('reports missing jobs as failed and updates the others', async () => {
    const ids = await seedJobs(f, 2);
    const body = Object.fromEntries(
      [...ids, ...INVALID_JOB_IDS].map((id) => [
        id,
        { [at()]: { Status: 'Killed', MinorStatus: 'Marked for termination' } },
      ]),
    );
    const result = await patch(body);
    expect(Object.keys(result.success).sort()).toEqual(ids.map(String).sort());
    expect(result.failed).toEqual({
      '999999997': { detail: 'Not found' },
      '999999998': { detail: 'Not found' },
      '999999999': { detail: 'Not found' },
    });
    for (const job of await readJobs(f, ids))
      expect(job).toMatchObject({
        status: 'Killed',
        minorStatus: 'Marked for termination',
        applicationStatus: 'Unknown',
      });
  });

  it('refuses a naive timestamp with DiracX message and writes nothing', async () => {
    const ids = await seedJobs(f, 2);
    const naive = '2025-06-01 12:00:00.123456';
    const err = await rejectionOf(
      patch({
        [ids[0]!]: { [at()]: { Status: 'Checking' } },
        [ids[1]!]: { [naive]: { Status: 'Checking', MinorStatus: 'JobPath' } },
      }),
    );
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.detail).toBe(`Timestamp ${naive} is not timezone aware for job ${ids[1]}`);
    for (const job of await readJobs(f, ids))
      expect(job).toMatchObject({
        status: 'Received',
        minorStatus: 'Job accepted',
        lastUpdateTime: new Date(T0.getTime() - 60_000),
      });
    for (const id of ids) expect(await readHistory(f, id)).toHaveLength(1);
  });

  it('names a naive timestamp as Python prints it', async () => {
    const [id] = await seedJobs(f, 1);
    const err = await rejectionOf(patch({ [id!]: { '2025-06-01T12:00': { Status: 'Checking' } } }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toBe(`Timestamp 2025-06-01 12:00:00 is not timezone aware for job ${id}`);
  });

  it('refuses a status outside the API statuses at validation', () => {
    expect(JobStatusChangesSchema.safeParse({ 1: { [at()]: { Status: 'Scouting' } } }).success).toBe(false);
    expect(JobStatusChangesSchema.safeParse({ 1: { 'not a date': { Status: 'Done' } } }).success).toBe(false);
    expect(JobStatusChangesSchema.safeParse({ x: { [at()]: { Status: 'Done' } } }).success).toBe(false);
  });

  it('applies the documented example (kill by user with an application status)', async () => {
    const [id] = await seedJobs(f, 1);
    const payload = {
      Status: 'Killed',
      MinorStatus: 'Marked as killed',
      ApplicationStatus: 'Job was killed by user',
      Source: 'User',
    };
    await patch({ [id!]: { [at()]: payload } });
    expect(await readJob(f, id!)).toMatchObject({
      status: 'Killed',
      minorStatus: 'Marked as killed',
      applicationStatus: 'Job was killed by user',
    });
  });
});

describe('setJobStatuses kill and delete', () => {
  for (const status of ['Killed', 'Deleted'] as const) {
    it(`sets ${status} on one job`, async () => {
      const [id] = await seedJobs(f, 1);
      // DiracX's tests send Python's str(datetime): a space and a `+00:00` offset.
      const result = await patch({
        [id!]: { '2025-06-01 12:00:00.000001+00:00': { Status: status, MinorStatus: 'Checking accounting' } },
      });
      expect(result.success[String(id)]?.Status).toBe(status);
      expect(await readJob(f, id!)).toMatchObject({
        status,
        minorStatus: 'Checking accounting',
        applicationStatus: 'Unknown',
      });
    });

    it(`sets ${status} on several jobs`, async () => {
      const ids = await seedJobs(f, 3);
      await patch(
        Object.fromEntries(ids.map((id) => [id, { [at()]: { Status: status, MinorStatus: 'Checking accounting' } }])),
      );
      for (const job of await readJobs(f, ids))
        expect(job).toMatchObject({ status, minorStatus: 'Checking accounting' });
    });

    it(`throws NotFoundError listing every id when ${status} targets only missing jobs`, async () => {
      const err = await rejectionOf(
        patch(Object.fromEntries(INVALID_JOB_IDS.map((id) => [id, { [at()]: { Status: status } }]))),
      );
      expect(err.code).toBe('NOT_FOUND');
      expect(err.detail).toEqual({
        success: {},
        failed: Object.fromEntries(INVALID_JOB_IDS.map((id) => [String(id), { detail: 'Not found' }])),
      });
    });
  }
});
