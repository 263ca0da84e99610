/**
 * setJobMetadata, ported from DiracX 0.7.0's metadata tests (`test_status.py` and the logic's
 * attribute/parameter split): Site to its column, parameters and unknown keys to the parameters
 * document, every other job attribute (JobType included) refused with nothing written,
 * pydantic's coercions, unknown jobs refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { setJobMetadata } from '../../../src/logic/jobs/metadata.ts';
import { JobMetaDataBodySchema, JobMetaDataSchema } from '../../../src/logic/jobs/models.ts';
import {
  createJobsFixture,
  INVALID_JOB_IDS,
  readHistory,
  readJob,
  readParameters,
  rejectionOf,
  seedJobs,
  SUBMITTED,
  type JobsFixture,
} from './seed.ts';

let f: JobsFixture;
beforeAll(async () => {
  f = await createJobsFixture();
});
afterAll(() => f.t.dispose());

/** Validates a body as the route will, then applies it. */
const patch = (body: unknown): Promise<void> => setJobMetadata(f.ctx, JobMetaDataBodySchema.parse(body));

describe('setJobMetadata', () => {
  it('sets Site on the job and nothing else of it', async () => {
    const [id] = await seedJobs(f, 1);
    await patch({ [id!]: { Site: 'Meyrin' } });
    expect(await readJob(f, id!)).toMatchObject({
      site: 'Meyrin',
      status: 'Received',
      minorStatus: 'Job accepted',
      lastUpdateTime: SUBMITTED,
      owner: 'chaen',
      vo: 'lhcb',
    });
    expect(await readHistory(f, id!)).toHaveLength(1);
    expect(await readParameters(f, id!)).toBeUndefined();
  });

  it('applies the documented example (Site on one job, parameters on another)', async () => {
    const ids = await seedJobs(f, 2);
    await patch({
      [ids[0]!]: { Site: 'Meyrin' },
      [ids[1]!]: { CPUNormalizationFactor: 10, HostName: 'some-worker-node.example.org' },
    });
    expect(await readJob(f, ids[0]!)).toMatchObject({ site: 'Meyrin' });
    expect(await readJob(f, ids[1]!)).toMatchObject({ site: 'ANY' });
    expect(await readParameters(f, ids[1]!)).toEqual({
      CPUNormalizationFactor: 10,
      HostName: 'some-worker-node.example.org',
    });
  });

  it('refuses any other attribute (alias or field name) with INVALID_INPUT naming it, writing nothing', async () => {
    const attempts: [Record<string, unknown>, string][] = [
      [{ Owner: 'alice' }, 'Owner'],
      [{ OwnerGroup: 'gridpp_user' }, 'OwnerGroup'],
      [{ VO: 'gridpp' }, 'VO'],
      [{ JobType: 'AnotherType' }, 'JobType'],
      [{ UserPriority: 2 }, 'UserPriority'],
      [{ Status: 'Done' }, 'Status'],
      [{ MinorStatus: 'x' }, 'MinorStatus'],
      [{ HeartBeatTime: '2025-06-01T11:59:30Z' }, 'HeartBeatTime'],
      [{ VerifiedFlag: false }, 'VerifiedFlag'],
      [{ AccountedFlag: 'Failed' }, 'AccountedFlag'],
      [{ RescheduleCounter: 0 }, 'RescheduleCounter'],
      [{ owner: 'alice' }, 'Owner'],
      [{ owner_group: 'gridpp_user' }, 'OwnerGroup'],
      [{ vo: 'gridpp' }, 'VO'],
      [{ heart_beat_time: 'x' }, 'HeartBeatTime'],
    ];
    const ids = await seedJobs(f, 2);
    const before = [await readJob(f, ids[0]!), await readJob(f, ids[1]!)];
    for (const [metadata, attribute] of attempts) {
      const err = await rejectionOf(
        patch({ [ids[0]!]: { Site: 'Meyrin', HostName: 'h' }, [ids[1]!]: { Site: 'Meyrin', ...metadata } }),
      );
      expect({ attribute, code: err.code, message: err.message }).toEqual({
        attribute,
        code: 'INVALID_INPUT',
        message: `Job attribute ${attribute} cannot be modified through this endpoint`,
      });
    }
    expect([await readJob(f, ids[0]!), await readJob(f, ids[1]!)]).toEqual(before);
    expect(await readParameters(f, ids[0]!)).toBeUndefined();
    expect(await readParameters(f, ids[1]!)).toBeUndefined();
  });

  it('ignores null attributes, as DiracX drops them before looking', async () => {
    const [id] = await seedJobs(f, 1);
    await patch({ [id!]: { Owner: null, VO: null, Site: 'Meyrin' } });
    expect(await readJob(f, id!)).toMatchObject({ owner: 'chaen', vo: 'lhcb', site: 'Meyrin' });
  });

  it('takes Site by its field name too, and refuses a value that is not text', async () => {
    const [id] = await seedJobs(f, 1);
    await patch({ [id!]: { site: 'Meyrin' } });
    expect(await readJob(f, id!)).toMatchObject({ site: 'Meyrin' });
    expect((await rejectionOf(patch({ [id!]: { site: 42 } }))).code).toBe('INVALID_INPUT');
    expect(await readJob(f, id!)).toMatchObject({ site: 'Meyrin' });
  });

  it('merges parameters and unknown keys into the document, with the CPU fields truncated to int', async () => {
    const [id] = await seedJobs(f, 1);
    await patch({
      [id!]: {
        HostName: 'wn1.cern.ch',
        'NormCPUTime(s)': '12.7',
        CPUNormalizationFactor: 9.9,
        PayloadPID: '4242',
        Custom: { a: 1 },
      },
    });
    await patch({ [id!]: { HostName: 'wn2.cern.ch', GridCE: 'ce.cern.ch', Nothing: null } });
    expect(await readParameters(f, id!)).toEqual({
      HostName: 'wn2.cern.ch',
      'NormCPUTime(s)': 12,
      CPUNormalizationFactor: 9,
      PayloadPID: 4242,
      Custom: { a: 1 },
      GridCE: 'ce.cern.ch',
    });
    expect(await readJob(f, id!)).toMatchObject({ status: 'Received', minorStatus: 'Job accepted' });
  });

  it('refuses values the models refuse', () => {
    for (const bad of [
      { UserPriority: 'high' },
      { UserPriority: 1.5 },
      { AccountedFlag: 'Maybe' },
      { HeartBeatTime: '2025-06-01T12:00:00' },
      { SubmissionTime: '2025-06-01T12:00:00+01:00' },
      { 'TotalCPUTime(s)': 'lots' },
    ]) {
      expect(JobMetaDataSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('refuses text longer than its column with INVALID_INPUT and writes nothing', async () => {
    const [id] = await seedJobs(f, 1);
    const err = await rejectionOf(patch({ [id!]: { HostName: 'h', Site: 'x'.repeat(101) } }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toBe(`Site of job ${id} is longer than 100 characters`);
    expect(await readJob(f, id!)).toMatchObject({ site: 'ANY' });
    expect(await readParameters(f, id!)).toBeUndefined();
  });

  it('throws NotFoundError naming unknown jobs and writes nothing (DiracX answers 500)', async () => {
    const [id] = await seedJobs(f, 1);
    const err = await rejectionOf(
      patch({ [id!]: { Site: 'Meyrin', HostName: 'h' }, [INVALID_JOB_IDS[0]!]: { Site: 'Meyrin' } }),
    );
    expect(err.code).toBe('NOT_FOUND');
    expect(err.detail).toBe(`Job ${INVALID_JOB_IDS[0]} not found`);
    expect(await readJob(f, id!)).toMatchObject({ site: 'ANY' });
    expect(await readParameters(f, id!)).toBeUndefined();
  });
});
