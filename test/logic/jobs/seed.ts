/**
 * Shared fixtures of the job status tests: a test database with a settable clock, jobs seeded as
 * submission leaves them (Status Received, MinorStatus "Job accepted", one LoggingInfo record
 * from "JobManager"), and readers of what the operations wrote.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import { getLoggingRecords, toStatusTimeOrder, type StoredLoggingRecord } from '../../../src/db/job-logging.ts';
import { getJobParameters } from '../../../src/db/job-parameters.ts';
import { loggingInfo } from '../../../src/db/schema/job-logging.ts';
import { heartBeatLoggingInfo, jobCommands, jobJdls, jobs, type JobRow } from '../../../src/db/schema/jobs.ts';
import { taskQueueJobs, taskQueues } from '../../../src/db/schema/task-queue.ts';
import type { JobsContext } from '../../../src/logic/jobs/set-status.ts';
import { createTestDatabase, type TestDatabase, postgresOf } from '../../harness/database.ts';

/** The fixed "now" of every test; seeded jobs were submitted a minute before. */
export const T0 = new Date('2025-06-01T12:00:00.000Z');
export const SUBMITTED = new Date(T0.getTime() - 60_000);
/** Ids no seeded job has (DiracX's `invalid_job_ids`). */
export const INVALID_JOB_IDS = [999999997, 999999998, 999999999];

export interface JobsFixture {
  t: TestDatabase;
  ctx: JobsContext;
  /** Sets the time `ctx.now()` answers. */
  setNow(date: Date): void;
}

export async function createJobsFixture(): Promise<JobsFixture> {
  const t = await createTestDatabase();
  let now = T0;
  return { t, ctx: { database: t.database, now: () => now }, setNow: (d) => (now = d) };
}

/** An ISO timestamp `ms` milliseconds after T0 (a status update key). */
export const at = (ms = 0): string => new Date(T0.getTime() + ms).toISOString();

export interface SeedOptions {
  status?: string;
  minorStatus?: string;
  vo?: string;
}

/** Inserts `n` jobs as submission leaves them (or in `status`, with a matching first record); returns their ids. */
export async function seedJobs(f: JobsFixture, n: number, options: SeedOptions = {}): Promise<number[]> {
  const { status = 'Received', minorStatus = 'Job accepted', vo = 'lhcb' } = options;
  const db = postgresOf(f.t.database).db;
  const ids = (
    await db
      .insert(jobJdls)
      .values(Array.from({ length: n }, () => ({ jdl: '[]', originalJdl: '[]' })))
      .returning({ id: jobJdls.jobId })
  ).map((r) => r.id);
  await db.insert(jobs).values(
    ids.map((jobId) => ({
      jobId,
      vo,
      owner: 'chaen',
      ownerGroup: 'lhcb_user',
      status,
      minorStatus,
      applicationStatus: 'Unknown',
      submissionTime: SUBMITTED,
      lastUpdateTime: SUBMITTED,
      verifiedFlag: true,
    })),
  );
  await db.insert(loggingInfo).values(
    ids.map((jobId) => ({
      jobId,
      status,
      minorStatus,
      applicationStatus: 'Unknown',
      statusTime: SUBMITTED,
      statusTimeOrder: toStatusTimeOrder(SUBMITTED.getTime() * 1000),
      statusSource: 'JobManager',
    })),
  );
  return ids;
}

export async function readJob(f: JobsFixture, jobId: number): Promise<JobRow> {
  const [row] = await postgresOf(f.t.database).db.select().from(jobs).where(eq(jobs.jobId, jobId));
  if (!row) throw new Error(`job ${jobId} not in the database`);
  return row;
}

export async function readJobs(f: JobsFixture, jobIds: readonly number[]): Promise<JobRow[]> {
  return postgresOf(f.t.database)
    .db.select()
    .from(jobs)
    .where(inArray(jobs.jobId, [...jobIds]))
    .orderBy(asc(jobs.jobId));
}

export const readHistory = (f: JobsFixture, jobId: number): Promise<StoredLoggingRecord[]> =>
  getLoggingRecords(f.t.database.session, [jobId]);

export async function readParameters(f: JobsFixture, jobId: number): Promise<Record<string, unknown> | undefined> {
  return (await getJobParameters(f.t.database.session, [jobId])).get(jobId);
}

export async function readCommands(
  f: JobsFixture,
  jobIds: readonly number[],
): Promise<{ jobId: number; command: string; status: string; receptionTime: Date }[]> {
  return postgresOf(f.t.database)
    .db.select({
      jobId: jobCommands.jobId,
      command: jobCommands.command,
      status: jobCommands.status,
      receptionTime: jobCommands.receptionTime,
    })
    .from(jobCommands)
    .where(inArray(jobCommands.jobId, [...jobIds]))
    .orderBy(asc(jobCommands.jobId), asc(jobCommands.receptionTime));
}

export async function readHeartbeatSamples(
  f: JobsFixture,
  jobId: number,
): Promise<{ name: string; value: string; heartBeatTime: Date }[]> {
  return postgresOf(f.t.database)
    .db.select({
      name: heartBeatLoggingInfo.name,
      value: heartBeatLoggingInfo.value,
      heartBeatTime: heartBeatLoggingInfo.heartBeatTime,
    })
    .from(heartBeatLoggingInfo)
    .where(eq(heartBeatLoggingInfo.jobId, jobId))
    .orderBy(asc(heartBeatLoggingInfo.heartBeatTime), asc(heartBeatLoggingInfo.name));
}

/** Creates an enabled task queue holding the jobs; returns its id. */
export async function seedTaskQueue(f: JobsFixture, jobIds: readonly number[], enabled = true): Promise<number> {
  const db = postgresOf(f.t.database).db;
  const [tq] = await db
    .insert(taskQueues)
    .values({ owner: 'chaen', ownerGroup: 'lhcb_user', vo: 'lhcb', cpuTime: 86400, priority: 1, enabled })
    .returning({ id: taskQueues.tqId });
  if (!tq) throw new Error('no task queue inserted');
  if (jobIds.length > 0)
    await db
      .insert(taskQueueJobs)
      .values(jobIds.map((jobId) => ({ tqId: tq.id, jobId, priority: 1, realPriority: 1 })));
  return tq.id;
}

export async function readTaskQueue(f: JobsFixture, tqId: number): Promise<{ exists: boolean; jobIds: number[] }> {
  const db = postgresOf(f.t.database).db;
  const queues = await db.select({ id: taskQueues.tqId }).from(taskQueues).where(eq(taskQueues.tqId, tqId));
  const members = await db
    .select({ jobId: taskQueueJobs.jobId })
    .from(taskQueueJobs)
    .where(eq(taskQueueJobs.tqId, tqId))
    .orderBy(asc(taskQueueJobs.jobId));
  return { exists: queues.length === 1, jobIds: members.map((m) => m.jobId) };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; detail: unknown }> {
  const outcome = await promise.then(
    () => ({ resolved: true as const }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error('expected a rejection');
  return outcome.error as { code: string; message: string; detail: unknown };
}
