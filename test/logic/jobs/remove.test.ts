/**
 * removeJobs, DiracX's physical removal: the jobs leave the task queues, their history is
 * deleted, and deleting their JobJDLs rows takes the jobs, commands, heartbeat samples and
 * parameters documents with them; other jobs and unknown ids are left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { getJobJdls } from '../../../src/db/jobs.ts';
import { addHeartbeat } from '../../../src/logic/jobs/heartbeat.ts';
import { JobStatusChangesSchema } from '../../../src/logic/jobs/models.ts';
import { removeJobs } from '../../../src/logic/jobs/remove.ts';
import { setJobStatuses } from '../../../src/logic/jobs/set-status.ts';
import {
  at,
  createJobsFixture,
  INVALID_JOB_IDS,
  readCommands,
  readHeartbeatSamples,
  readHistory,
  readJobs,
  readParameters,
  readTaskQueue,
  seedJobs,
  seedTaskQueue,
  type JobsFixture,
} from './seed.ts';

let f: JobsFixture;
beforeAll(async () => {
  f = await createJobsFixture();
});
afterAll(() => f.t.dispose());

describe('removeJobs', () => {
  it('removes the jobs and everything recorded about them', async () => {
    const ids = await seedJobs(f, 2);
    const tq = await seedTaskQueue(f, ids);
    await addHeartbeat(f.ctx, { [ids[0]!]: { Vsize: 1, StandardOutput: 'hello' } });
    await setJobStatuses(f.ctx, JobStatusChangesSchema.parse({ [ids[1]!]: { [at()]: { Status: 'Killed' } } }));

    expect(await removeJobs(f.ctx, [...ids, ...INVALID_JOB_IDS])).toEqual({ removed: ids });

    expect(await readJobs(f, ids)).toEqual([]);
    for (const id of ids) {
      expect(await readHistory(f, id)).toEqual([]);
      expect(await readHeartbeatSamples(f, id)).toEqual([]);
      expect(await readParameters(f, id)).toBeUndefined();
    }
    expect(await readCommands(f, ids)).toEqual([]);
    expect(await readTaskQueue(f, tq)).toEqual({ exists: false, jobIds: [] });
    expect(await getJobJdls(f.t.database.session, ids)).toEqual(new Map());
  });

  it('leaves other jobs and their queue alone', async () => {
    const [gone, kept] = await seedJobs(f, 2);
    const tq = await seedTaskQueue(f, [gone!, kept!]);
    await removeJobs(f.ctx, [gone!]);
    expect((await readJobs(f, [gone!, kept!])).map((j) => j.jobId)).toEqual([kept!]);
    expect(await readHistory(f, kept!)).toHaveLength(1);
    expect(await readTaskQueue(f, tq)).toEqual({ exists: true, jobIds: [kept!] });
  });

  it('does nothing for unknown ids or an empty list', async () => {
    expect(await removeJobs(f.ctx, INVALID_JOB_IDS)).toEqual({ removed: [] });
    expect(await removeJobs(f.ctx, [])).toEqual({ removed: [] });
  });
});
