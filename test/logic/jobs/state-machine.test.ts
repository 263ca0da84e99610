/**
 * Every transition of DIRAC's job state machine as setJobStatuses applies it, table-driven: for
 * each current status, every API status is requested of one job, all in one bulk call; allowed
 * ones are applied, refused ones keep the job where it was and are logged with "(SM)". Force
 * applies them all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { JOB_STATUSES, type JobStatus } from '../../../src/logic/jobs/job-status.ts';
import type { JobStatusChanges, SetJobStatusReturn } from '../../../src/logic/jobs/models.ts';
import { setJobStatuses } from '../../../src/logic/jobs/set-status.ts';
import { at, createJobsFixture, readHistory, readJobs, seedJobs, type JobsFixture } from './seed.ts';

const FROM_RUNNING = ['Stalled', 'Done', 'Failed', 'Rescheduled', 'Completing', 'Killed', 'Received'];

/** DIRAC's `JobsStateMachine`, written out from the spec (§5.2) rather than imported. */
const ALLOWED: Record<string, readonly string[]> = {
  Submitting: ['Received', 'Checking', 'Deleted', 'Killed'],
  Received: ['Checking', 'Staging', 'Waiting', 'Failed', 'Deleted', 'Killed'],
  Checking: ['Staging', 'Waiting', 'Rescheduled', 'Failed', 'Deleted', 'Killed'],
  Staging: ['Checking', 'Waiting', 'Failed', 'Killed'],
  Waiting: ['Matched', 'Rescheduled', 'Deleted', 'Killed'],
  Matched: ['Running', 'Failed', 'Rescheduled', 'Killed'],
  Rescheduled: ['Waiting', 'Received', 'Deleted', 'Failed', 'Killed'],
  Running: FROM_RUNNING,
  // A Stalled job is treated as Running before the machine runs (DiracX): Running's row applies,
  // and a refused change leaves it Running. (The machine's own Stalled row is never consulted.)
  Stalled: FROM_RUNNING,
  Completing: ['Done', 'Failed', 'Completed', 'Stalled', 'Killed'],
  Completed: ['Done', 'Failed'],
  Done: ['Deleted'],
  Failed: ['Rescheduled', 'Deleted'],
  Killed: ['Deleted'],
  // The empty map of `Deleted` accepts any candidate (DIRAC's transitionRule QUIRK).
  Deleted: [...JOB_STATUSES],
};
const effective = (from: string): string => (from === 'Stalled' ? 'Running' : from);
/** Whether the machine lets a job in `from` take `to` (asking for the current status is no change). */
const allows = (from: string, to: string): boolean => to === effective(from) || ALLOWED[from]!.includes(to);

interface Case {
  from: string;
  to: JobStatus;
  jobId: number;
}

let f: JobsFixture;
let cases: Case[];
let result: SetJobStatusReturn;
let forced: { cases: Case[]; result: SetJobStatusReturn };

async function runAll(force: boolean): Promise<{ cases: Case[]; result: SetJobStatusReturn }> {
  const all: Case[] = [];
  for (const from of JOB_STATUSES) {
    const ids = await seedJobs(f, JOB_STATUSES.length, { status: from, minorStatus: 'seeded' });
    for (const [i, to] of JOB_STATUSES.entries()) all.push({ from, to, jobId: ids[i]! });
  }
  const changes: JobStatusChanges = Object.fromEntries(
    all.map((c) => [c.jobId, { [at()]: { Status: c.to, Source: 'Test' } }]),
  );
  return { cases: all, result: await setJobStatuses(f.ctx, changes, force) };
}

beforeAll(async () => {
  f = await createJobsFixture();
  ({ cases, result } = await runAll(false));
  forced = await runAll(true);
});
afterAll(() => f.t.dispose());

describe.each([...JOB_STATUSES])('setJobStatuses from %s', (from) => {
  it('applies exactly the transitions the state machine allows', async () => {
    const mine = cases.filter((c) => c.from === from);
    const rows = new Map(
      (
        await readJobs(
          f,
          mine.map((c) => c.jobId),
        )
      ).map((j) => [j.jobId, j.status]),
    );
    const seen = mine.map((c) => [c.to, rows.get(c.jobId)]);
    const expected = mine.map((c) => [c.to, allows(from, c.to) ? c.to : effective(from)]);
    expect(seen).toEqual(expected);
    for (const c of mine) expect(result.success[String(c.jobId)]?.Status).toBe(rows.get(c.jobId)!);
  });

  it('logs a refused transition as the kept status with "(SM)" on its source', async () => {
    for (const c of cases.filter((x) => x.from === from)) {
      const last = (await readHistory(f, c.jobId)).at(-1);
      expect(last).toMatchObject(
        allows(from, c.to) ? { status: c.to, source: 'Test' } : { status: effective(from), source: 'Test(SM)' },
      );
    }
  });

  it('applies every transition when forced', async () => {
    const mine = forced.cases.filter((c) => c.from === from);
    const rows = await readJobs(
      f,
      mine.map((c) => c.jobId),
    );
    expect(rows.map((j) => j.status)).toEqual(mine.map((c) => c.to));
  });
});
