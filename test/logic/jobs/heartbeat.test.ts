/**
 * addHeartbeat, ported from DiracX's `test_heartbeat_commands.py` and the heartbeat parts of
 * `test_status.py`: HeartBeatTime stamping, Matched and Stalled jobs back to Running, samples
 * and other keys stored apart, Kill commands delivered exactly once, unknown keys and unknown
 * jobs refused.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'bun:test';
import { addHeartbeat } from '../../../src/logic/jobs/heartbeat.ts';
import { HeartbeatBodySchema, HeartbeatDataSchema, JobStatusChangesSchema } from '../../../src/logic/jobs/models.ts';
import { setJobStatuses } from '../../../src/logic/jobs/set-status.ts';
import {
  at,
  createJobsFixture,
  INVALID_JOB_IDS,
  readHeartbeatSamples,
  readHistory,
  readJob,
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
beforeEach(() => f.setNow(T0));

/** Validates a body as the route will, then records the heartbeat `ms` after T0. */
function beat(body: unknown, ms = 0): ReturnType<typeof addHeartbeat> {
  f.setNow(new Date(T0.getTime() + ms));
  return addHeartbeat(f.ctx, HeartbeatBodySchema.parse(body));
}
const kill = (ids: readonly number[], status = 'Killed') =>
  setJobStatuses(
    f.ctx,
    JobStatusChangesSchema.parse(
      Object.fromEntries(ids.map((id) => [id, { [at()]: { Status: status, MinorStatus: 'Marked for termination' } }])),
    ),
  );

describe('addHeartbeat', () => {
  it('stamps HeartBeatTime and stores the sample without changing the status', async () => {
    const [id] = await seedJobs(f, 1);
    expect((await readJob(f, id!)).heartBeatTime).toBeNull();
    expect(await beat({ [id!]: { Vsize: 1234 } })).toEqual([]);
    expect(await readJob(f, id!)).toMatchObject({
      status: 'Received',
      heartBeatTime: T0,
      lastUpdateTime: new Date(T0.getTime() - 60_000),
    });
    expect(await readHeartbeatSamples(f, id!)).toEqual([{ name: 'Vsize', value: '1234.0', heartBeatTime: T0 }]);
  });

  it('delivers the Kill command of a killed job once, then nothing', async () => {
    const [id] = await seedJobs(f, 1);
    await beat({ [id!]: { Vsize: 1234 } });
    await kill([id!]);
    expect(await beat({ [id!]: { Vsize: 1235 } }, 1000)).toEqual([{ job_id: id!, command: 'Kill', arguments: '' }]);
    expect(await beat({ [id!]: { Vsize: 1234 } }, 2000)).toEqual([]);
  });

  it('gives each of several killed jobs its own Kill command', async () => {
    const ids = await seedJobs(f, 3);
    await kill(ids);
    const commands = await beat(Object.fromEntries(ids.map((id) => [id, { Vsize: 2000 }])), 1000);
    expect(commands).toEqual(ids.map((id) => ({ job_id: id, command: 'Kill', arguments: '' })));
    expect(await beat(Object.fromEntries(ids.map((id) => [id, { Vsize: 2001 }])), 2000)).toEqual([]);
  });

  it('delivers only the commands of the jobs that beat', async () => {
    const ids = await seedJobs(f, 2);
    await kill(ids);
    expect(await beat({ [ids[0]!]: { Vsize: 1 } }, 1000)).toEqual([
      { job_id: ids[0]!, command: 'Kill', arguments: '' },
    ]);
    expect(await beat({ [ids[1]!]: { Vsize: 1 } }, 2000)).toEqual([
      { job_id: ids[1]!, command: 'Kill', arguments: '' },
    ]);
  });

  it('delivers a Kill command for a deleted job', async () => {
    const [id] = await seedJobs(f, 1);
    await kill([id!], 'Deleted');
    expect(await beat({ [id!]: { Vsize: 123 } }, 1000)).toEqual([{ job_id: id!, command: 'Kill', arguments: '' }]);
    expect(await beat({ [id!]: { Vsize: 124 } }, 2000)).toEqual([]);
  });

  it('returns no command after a non-kill status change', async () => {
    const [id] = await seedJobs(f, 1, { status: 'Matched' });
    await setJobStatuses(
      f.ctx,
      JobStatusChangesSchema.parse({ [id!]: { [at()]: { Status: 'Running', MinorStatus: 'Normal transition' } } }),
    );
    expect(await beat({ [id!]: { Vsize: 500 } }, 1000)).toEqual([]);
  });

  for (const status of ['Matched', 'Stalled']) {
    it(`moves a ${status} job to Running with source "Heartbeat"`, async () => {
      const [id] = await seedJobs(f, 1, { status });
      await beat({ [id!]: { LoadAverage: 0.5 } }, 1000);
      const when = new Date(T0.getTime() + 1000);
      expect(await readJob(f, id!)).toMatchObject({
        status: 'Running',
        heartBeatTime: when,
        lastUpdateTime: when,
        startExecTime: when,
      });
      expect((await readHistory(f, id!)).at(-1)).toMatchObject({
        status: 'Running',
        minorStatus: 'idem',
        source: 'Heartbeat',
        statusTime: when,
      });
    });
  }

  it('stores the documented example: six samples, and StandardOutput in the parameters document', async () => {
    const [id] = await seedJobs(f, 1);
    const example = {
      LoadAverage: 2.5,
      MemoryUsed: 1024.0,
      Vsize: 2048.0,
      AvailableDiskSpace: 500.0,
      CPUConsumed: 75.0,
      WallClockTime: 3600.0,
      StandardOutput: 'Job is running smoothly.',
    };
    await beat({ [id!]: example });
    const samples = Object.fromEntries((await readHeartbeatSamples(f, id!)).map((s) => [s.name, s.value]));
    expect(samples).toEqual({
      LoadAverage: '2.5',
      MemoryUsed: '1024.0',
      Vsize: '2048.0',
      AvailableDiskSpace: '500.0',
      CPUConsumed: '75.0',
      WallClockTime: '3600.0',
    });
    expect(await readParameters(f, id!)).toEqual({ StandardOutput: 'Job is running smoothly.' });
  });

  it('keeps the last sample when two heartbeats of a job arrive at the same instant', async () => {
    const [id] = await seedJobs(f, 1);
    await beat({ [id!]: { Vsize: 1 } });
    await beat({ [id!]: { Vsize: 2 } });
    expect(await readHeartbeatSamples(f, id!)).toEqual([{ name: 'Vsize', value: '2.0', heartBeatTime: T0 }]);
  });

  it('refuses unknown keys at validation (extra=forbid)', () => {
    const parsed = HeartbeatDataSchema.safeParse({ Vsize: 1, Colour: 'blue' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['Colour'] });
  });

  it('throws NotFoundError naming unknown jobs and writes nothing (DiracX QUIRK: 500)', async () => {
    const [id] = await seedJobs(f, 1, { status: 'Matched' });
    const err = await rejectionOf(
      beat({ [id!]: { Vsize: 1 }, [INVALID_JOB_IDS[0]!]: { Vsize: 1 }, [INVALID_JOB_IDS[1]!]: { Vsize: 1 } }),
    );
    expect(err.code).toBe('NOT_FOUND');
    expect(err.detail).toBe(`Jobs ${INVALID_JOB_IDS[0]}, ${INVALID_JOB_IDS[1]} not found`);
    expect(await readJob(f, id!)).toMatchObject({ status: 'Matched', heartBeatTime: null });
    expect(await readHeartbeatSamples(f, id!)).toEqual([]);
  });

  it('answers an empty heartbeat with no commands', async () => {
    expect(await beat({})).toEqual([]);
  });
});
