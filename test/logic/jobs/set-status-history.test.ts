/**
 * setJobStatuses and time: updates of one call applied in chronological order, updates older
 * than the job's history logged but not applied (DiracX issue 476), StartExecTime, EndExecTime,
 * HeartBeatTime and LastUpdateTime, Stalled counted as Running, what the LoggingInfo records
 * hold, the parameters document, additional attributes, and one transaction for everything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { applyJobStatuses, setJobStatuses } from '../../../src/logic/jobs/set-status.ts';
import { JobStatusChangesSchema } from '../../../src/logic/jobs/models.ts';
import {
  at,
  createJobsFixture,
  readHistory,
  readJob,
  readParameters,
  seedJobs,
  SUBMITTED,
  T0,
  type JobsFixture,
} from './seed.ts';

let f: JobsFixture;
beforeAll(async () => {
  f = await createJobsFixture();
});
afterAll(() => f.t.dispose());

/** Validates a body as the route will, then sets the statuses. */
const set = (changes: unknown, force = false) => setJobStatuses(f.ctx, JobStatusChangesSchema.parse(changes), force);
const ms = (offset: number): Date => new Date(T0.getTime() + offset);

describe('setJobStatuses over time', () => {
  it('processes the timestamps of one call in chronological order', async () => {
    const [id] = await seedJobs(f, 1, { status: 'Waiting' });
    await set({
      [id!]: { [at(3000)]: { Status: 'Done' }, [at(1000)]: { Status: 'Matched' }, [at(2000)]: { Status: 'Running' } },
    });
    const job = await readJob(f, id!);
    expect(job).toMatchObject({ status: 'Done', startExecTime: ms(2000), endExecTime: ms(3000) });
    expect((await readHistory(f, id!)).map((r) => r.status)).toEqual(['Waiting', 'Matched', 'Running', 'Done']);
  });

  it('logs an update older than the history without applying it (DiracX issue 476)', async () => {
    const [id] = await seedJobs(f, 1);
    await set({ [id!]: { [at()]: { Status: 'Failed', MinorStatus: 'Payload failed' } } }, true);
    const result = await set({ [id!]: { [at(-120_000)]: { Status: 'Checking', MinorStatus: 'Old news' } } });
    expect(result.success[String(id)]).toMatchObject({ Status: null, MinorStatus: null, LastUpdateTime: null });
    expect(await readJob(f, id!)).toMatchObject({ status: 'Failed', minorStatus: 'Payload failed' });
    const history = await readHistory(f, id!);
    expect(history.map((r) => r.minorStatus)).toEqual(['Old news', 'Job accepted', 'Payload failed']);
  });

  it("accepts DiracX's literal issue-476 payload, whose job-id key reads as unix time 1970", async () => {
    const [id] = await seedJobs(f, 1);
    const result = await set({ [id!]: { [String(id)]: { [at()]: { Status: 'Failed' } } } });
    expect(Object.keys(result.success)).toEqual([String(id)]);
    expect(await readJob(f, id!)).toMatchObject({ status: 'Received' });
    expect((await readHistory(f, id!))[0]).toMatchObject({
      status: 'idem',
      minorStatus: 'idem',
      source: 'Unknown',
      statusTime: new Date(id! * 1000),
    });
  });

  it('applies only the updates not older than the latest record when a call mixes both', async () => {
    const [id] = await seedJobs(f, 1);
    await set({
      [id!]: {
        [at(-120_000)]: { Status: 'Killed', MinorStatus: 'stale' },
        [at()]: { Status: 'Checking', MinorStatus: 'fresh' },
      },
    });
    expect(await readJob(f, id!)).toMatchObject({ status: 'Checking', minorStatus: 'fresh' });
    expect((await readHistory(f, id!)).map((r) => r.status)).toEqual(['Killed', 'Received', 'Checking']);
  });

  it('sets StartExecTime and EndExecTime once, at the first Running and the first final status', async () => {
    const [id] = await seedJobs(f, 1, { status: 'Matched' });
    await set({
      [id!]: {
        [at(1000)]: { Status: 'Running' },
        [at(2000)]: { Status: 'Stalled' },
        [at(3000)]: { Status: 'Running' },
      },
    });
    await set({ [id!]: { [at(4000)]: { Status: 'Failed' } } });
    const result = await set({ [id!]: { [at(5000)]: { Status: 'Rescheduled' }, [at(6000)]: { Status: 'Failed' } } });
    expect(result.success[String(id)]).toMatchObject({ StartExecTime: null, EndExecTime: null });
    expect(await readJob(f, id!)).toMatchObject({ status: 'Failed', startExecTime: ms(1000), endExecTime: ms(4000) });
  });

  it('takes StartExecTime from the requested status even if the state machine refuses it (DiracX QUIRK)', async () => {
    const [id] = await seedJobs(f, 1);
    const result = await set({ [id!]: { [at()]: { Status: 'Running' } } });
    expect(result.success[String(id)]).toMatchObject({ Status: 'Received', StartExecTime: '2025-06-01T12:00:00Z' });
  });

  it('sets HeartBeatTime from updates whose source starts with "Job" or is "Heartbeat"', async () => {
    const ids = await seedJobs(f, 4, { status: 'Running' });
    const sources = ['JobWrapper', 'Heartbeat', 'User', 'JobAgent'];
    await set(
      Object.fromEntries(ids.map((id, i) => [id, { [at(i * 1000)]: { MinorStatus: 'alive', Source: sources[i]! } }])),
    );
    const beats = await Promise.all(ids.map(async (id) => (await readJob(f, id)).heartBeatTime));
    expect(beats).toEqual([ms(0), ms(1000), null, ms(3000)]);
  });

  it('stamps no HeartBeatTime when the state machine rewrote a "Heartbeat" source', async () => {
    const [id] = await seedJobs(f, 1);
    const result = await set({ [id!]: { [at()]: { Status: 'Done', Source: 'Heartbeat' } } });
    expect(result.success[String(id)]).toMatchObject({ Status: 'Received', HeartBeatTime: null });
    expect((await readHistory(f, id!)).at(-1)?.source).toBe('Heartbeat(SM)');
  });

  it('counts a Stalled job as Running, so any update brings it back to Running', async () => {
    const [id] = await seedJobs(f, 1, { status: 'Stalled' });
    const result = await set({ [id!]: { [at()]: { MinorStatus: 'Back online', Source: 'JobWrapper' } } });
    expect(result.success[String(id)]).toMatchObject({
      Status: 'Running',
      MinorStatus: 'Back online',
      LastUpdateTime: '2025-06-01T12:00:00Z',
    });
    expect(await readJob(f, id!)).toMatchObject({ status: 'Running', heartBeatTime: T0 });
  });

  it('logs missing fields as "idem" and truncates the application status and source', async () => {
    const [id] = await seedJobs(f, 1);
    await set({
      [id!]: {
        [at(1)]: { ApplicationStatus: 'a'.repeat(300), Source: 's'.repeat(40) },
        [at(2)]: { Status: 'Checking' },
      },
    });
    const [, first, second] = await readHistory(f, id!);
    expect(first).toMatchObject({
      status: 'idem',
      minorStatus: 'idem',
      applicationStatus: 'a'.repeat(255),
      source: 's'.repeat(32),
    });
    expect(second).toMatchObject({
      status: 'Checking',
      minorStatus: 'idem',
      applicationStatus: 'idem',
      source: 'Unknown',
      statusTime: ms(2),
    });
    // 2025-06-01T12:00:00.002Z is 1748779200.002 s after the epoch, minus DIRAC's 1270000000.
    expect(second?.statusTimeOrder).toBe('478779200.002');
    expect((await readJob(f, id!)).applicationStatus).toBe('a'.repeat(255));
  });

  it('writes no job parameter, as DiracX 0.7.0 (which keeps them in OpenSearch), however many changes', async () => {
    const [id] = await seedJobs(f, 1);
    await set({ [id!]: { [at(1)]: { Status: 'Checking' } } });
    await set({ [id!]: { [at(2)]: { Status: 'Waiting' } } });
    expect((await readJob(f, id!)).status).toBe('Waiting');
    expect(await readParameters(f, id!)).toBeUndefined();
  });

  it('writes additional attributes only with an applied status', async () => {
    const ids = await seedJobs(f, 2);
    const extra = { Site: 'LCG.CERN.cern', RescheduleCounter: 1, RescheduleTime: T0 };
    await setJobStatuses(
      f.ctx,
      {
        [ids[0]!]: { [at()]: { Status: 'Waiting', Source: 'Unknown' } },
        [ids[1]!]: { [at(-120_000)]: { Status: 'Waiting', Source: 'Unknown' } },
      },
      false,
      { [ids[0]!]: extra, [ids[1]!]: extra },
    );
    expect(await readJob(f, ids[0]!)).toMatchObject({
      site: 'LCG.CERN.cern',
      rescheduleCounter: 1,
      rescheduleTime: T0,
    });
    expect(await readJob(f, ids[1]!)).toMatchObject({ site: 'ANY', rescheduleCounter: 0, rescheduleTime: null });
  });

  it('leaves jobs, history and documents untouched when the transaction fails afterwards', async () => {
    const [id] = await seedJobs(f, 1);
    const failing = f.t.database.transaction(async (tx) => {
      await applyJobStatuses(tx, T0, { [id!]: { [at()]: { Status: 'Killed', Source: 'User' } } }, false);
      throw new Error('later failure');
    });
    await expect(failing).rejects.toThrow('later failure');
    expect(await readJob(f, id!)).toMatchObject({ status: 'Received', lastUpdateTime: SUBMITTED });
    expect(await readHistory(f, id!)).toHaveLength(1);
    expect(await readParameters(f, id!)).toBeUndefined();
  });
});
