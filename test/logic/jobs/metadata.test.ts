/**
 * setJobMetadata, ported from DiracX's metadata tests (`test_status.py`, `test_query.py` flag
 * setting, and the logic's attribute/parameter split): attributes to the Jobs columns,
 * parameters and unknown keys to the parameters document, JobType to both, pydantic's
 * coercions, the state machine and history bypassed (QUIRK), unknown jobs refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { setJobMetadata } from '../../../src/logic/jobs/metadata.ts';
import { JobMetaDataBodySchema, JobMetaDataSchema } from '../../../src/logic/jobs/models.ts';
import { createJobsFixture, INVALID_JOB_IDS, readHistory, readJob, readParameters, rejectionOf, seedJobs, SUBMITTED, T0, type JobsFixture } from './seed.ts';

let f: JobsFixture;
beforeAll(async () => {
  f = await createJobsFixture();
});
afterAll(() => f.t.dispose());

/** Validates a body as the route will, then applies it. */
const patch = (body: unknown): Promise<void> => setJobMetadata(f.ctx, JobMetaDataBodySchema.parse(body));

describe('setJobMetadata', () => {
  it('writes attributes to the job and JobType to both the job and its parameters', async () => {
    const [id] = await seedJobs(f, 1);
    const hbt = '2025-06-01T11:59:30.123456+00:00';
    await patch({ [id!]: { UserPriority: 2, HeartBeatTime: hbt, JobType: 'VerySpecialIndeed' } });
    expect(await readJob(f, id!)).toMatchObject({ userPriority: 2, heartBeatTime: new Date('2025-06-01T11:59:30.123Z'), jobType: 'VerySpecialIndeed' });
    expect(await readParameters(f, id!)).toEqual({ JobType: 'VerySpecialIndeed' });
    // Microseconds survive, so that a search can give back exactly what was sent.
    const [stored] = await f.t.database.query<{ t: string }>(
      sql`select to_char("HeartBeatTime" at time zone 'UTC', 'HH24:MI:SS.US') as t from "Jobs" where "JobID" = ${id!}`,
    );
    expect(stored?.t).toBe('11:59:30.123456');
  });

  it('sets Status and Site directly, bypassing the state machine and the history (DiracX QUIRK)', async () => {
    const [id] = await seedJobs(f, 1);
    await patch({ [id!]: { UserPriority: 2, HeartBeatTime: '2025-06-01 11:59:00+00:00', Status: 'Done', Site: 'Meyrin' } });
    expect(await readJob(f, id!)).toMatchObject({ status: 'Done', site: 'Meyrin', lastUpdateTime: T0 });
    expect(await readHistory(f, id!)).toHaveLength(1);
    expect(await readParameters(f, id!)).toBeUndefined();
  });

  it('bumps LastUpdateTime only when Status is set, over any value given', async () => {
    const ids = await seedJobs(f, 2);
    await patch({ [ids[0]!]: { MinorStatus: 'quiet' }, [ids[1]!]: { Status: 'Waiting', LastUpdateTime: '2020-01-01T00:00:00Z' } });
    expect(await readJob(f, ids[0]!)).toMatchObject({ minorStatus: 'quiet', lastUpdateTime: SUBMITTED });
    expect(await readJob(f, ids[1]!)).toMatchObject({ status: 'Waiting', lastUpdateTime: T0 });
  });

  it('applies the documented second example (priority, heartbeat time, type)', async () => {
    const [id] = await seedJobs(f, 1);
    await patch({ [id!]: { UserPriority: 1, HeartBeatTime: '2025-06-01 11:00:00.5+00:00', JobType: 'AnotherType' } });
    expect(await readJob(f, id!)).toMatchObject({ userPriority: 1, jobType: 'AnotherType', heartBeatTime: new Date('2025-06-01T11:00:00.500Z') });
  });

  it('merges parameters and unknown keys into the document, with the CPU fields truncated to int', async () => {
    const [id] = await seedJobs(f, 1);
    await patch({ [id!]: { HostName: 'wn1.cern.ch', 'NormCPUTime(s)': '12.7', CPUNormalizationFactor: 9.9, PayloadPID: '4242', Custom: { a: 1 } } });
    await patch({ [id!]: { HostName: 'wn2.cern.ch', GridCE: 'ce.cern.ch', Nothing: null } });
    expect(await readParameters(f, id!)).toEqual({ HostName: 'wn2.cern.ch', 'NormCPUTime(s)': 12, CPUNormalizationFactor: 9, PayloadPID: 4242, Custom: { a: 1 }, GridCE: 'ce.cern.ch' });
    expect(await readJob(f, id!)).toMatchObject({ status: 'Received', minorStatus: 'Job accepted' });
  });

  it('stores the flags as their columns hold them', async () => {
    const ids = await seedJobs(f, 3);
    await patch({ [ids[0]!]: { VerifiedFlag: false, AccountedFlag: true }, [ids[1]!]: { AccountedFlag: 'Failed' }, [ids[2]!]: { VerifiedFlag: 'yes', AccountedFlag: false } });
    expect(await readJob(f, ids[0]!)).toMatchObject({ verifiedFlag: false, accountedFlag: 'True' });
    expect(await readJob(f, ids[1]!)).toMatchObject({ verifiedFlag: true, accountedFlag: 'Failed' });
    expect(await readJob(f, ids[2]!)).toMatchObject({ verifiedFlag: true, accountedFlag: 'False' });
  });

  it('refuses values the models refuse', () => {
    for (const bad of [{ UserPriority: 'high' }, { UserPriority: 1.5 }, { AccountedFlag: 'Maybe' }, { HeartBeatTime: '2025-06-01T12:00:00' }, { SubmissionTime: '2025-06-01T12:00:00+01:00' }, { 'TotalCPUTime(s)': 'lots' }]) {
      expect(JobMetaDataSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('refuses text longer than its column with INVALID_INPUT and writes nothing', async () => {
    const [id] = await seedJobs(f, 1);
    const err = await rejectionOf(patch({ [id!]: { UserPriority: 5, Site: 'x'.repeat(101) } }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toBe(`Site of job ${id} is longer than 100 characters`);
    expect(await readJob(f, id!)).toMatchObject({ userPriority: 0, site: 'ANY' });
  });

  it('throws NotFoundError naming unknown jobs and writes nothing (DiracX answers 500)', async () => {
    const [id] = await seedJobs(f, 1);
    const err = await rejectionOf(patch({ [id!]: { UserPriority: 3, HostName: 'h' }, [INVALID_JOB_IDS[0]!]: { UserPriority: 3 } }));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.detail).toBe(`Job ${INVALID_JOB_IDS[0]} not found`);
    expect(await readJob(f, id!)).toMatchObject({ userPriority: 0 });
    expect(await readParameters(f, id!)).toBeUndefined();
  });
});
