/**
 * Killing and deleting through setJobStatuses: exactly one Kill command per killed or deleted
 * job, none for other statuses or refused transitions, removal from the task queues (emptied
 * enabled queues deleted), and commands queued at the same instant that do not collide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { JobStatusChangesSchema } from '../../../src/logic/jobs/models.ts';
import { setJobStatuses } from '../../../src/logic/jobs/set-status.ts';
import { countCommandTimes } from '../../harness/job-rows.ts';
import {
  at,
  createJobsFixture,
  readCommands,
  readJob,
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

const set = (changes: unknown, force = false) => setJobStatuses(f.ctx, JobStatusChangesSchema.parse(changes), force);
const each = (ids: readonly number[], update: Record<string, string>, offset = 0) =>
  Object.fromEntries(ids.map((id) => [id, { [at(offset)]: update }]));

describe('setJobStatuses to Killed or Deleted', () => {
  for (const status of ['Killed', 'Deleted']) {
    it(`queues exactly one Kill command per job set to ${status}`, async () => {
      const ids = await seedJobs(f, 3);
      await set(each(ids, { Status: status, MinorStatus: 'Marked for termination' }));
      const commands = await readCommands(f, ids);
      expect(commands.map((c) => [c.jobId, c.command, c.status])).toEqual(ids.map((id) => [id, 'Kill', 'Received']));
    });
  }

  it('queues no command for other statuses', async () => {
    const ids = await seedJobs(f, 2, { status: 'Matched' });
    await set({
      [ids[0]!]: { [at()]: { Status: 'Running', MinorStatus: 'Normal transition' } },
      [ids[1]!]: { [at()]: { Status: 'Failed' } },
    });
    expect(await readCommands(f, ids)).toEqual([]);
  });

  it('queues no command when the state machine refuses the kill or the update is older', async () => {
    const done = await seedJobs(f, 1, { status: 'Done' });
    const old = await seedJobs(f, 1);
    await set({ [done[0]!]: { [at()]: { Status: 'Killed' } }, [old[0]!]: { [at(-120_000)]: { Status: 'Killed' } } });
    expect(await readJob(f, done[0]!)).toMatchObject({ status: 'Done' });
    expect(await readJob(f, old[0]!)).toMatchObject({ status: 'Received' });
    expect(await readCommands(f, [...done, ...old])).toEqual([]);
  });

  it('queues a second command for the same job at the same instant without a key collision', async () => {
    const [id] = await seedJobs(f, 1);
    await set({ [id!]: { [at(1)]: { Status: 'Killed' } } });
    await set({ [id!]: { [at(2)]: { Status: 'Killed' } } });
    expect(await readCommands(f, [id!])).toHaveLength(2);
    expect(await countCommandTimes(f.t.database, id!)).toBe(2);
  });

  it('removes killed jobs from their task queue and keeps the queue while it holds others', async () => {
    const ids = await seedJobs(f, 3);
    const tq = await seedTaskQueue(f, ids);
    await set(each(ids.slice(0, 2), { Status: 'Killed' }));
    expect(await readTaskQueue(f, tq)).toEqual({ exists: true, jobIds: [ids[2]!] });
  });

  it('deletes an enabled task queue the kill emptied', async () => {
    const ids = await seedJobs(f, 2);
    const tq = await seedTaskQueue(f, ids);
    await set(each(ids, { Status: 'Deleted' }));
    expect(await readTaskQueue(f, tq)).toEqual({ exists: false, jobIds: [] });
  });

  it('keeps an emptied task queue that is not enabled yet', async () => {
    const ids = await seedJobs(f, 1);
    const tq = await seedTaskQueue(f, ids, false);
    await set(each(ids, { Status: 'Killed' }));
    expect(await readTaskQueue(f, tq)).toEqual({ exists: true, jobIds: [] });
  });

  it('leaves the task queues alone for other statuses', async () => {
    const ids = await seedJobs(f, 1);
    const tq = await seedTaskQueue(f, ids);
    await set(each(ids, { Status: 'Waiting' }));
    expect(await readTaskQueue(f, tq)).toEqual({ exists: true, jobIds: ids });
  });
});
