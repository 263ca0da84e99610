/**
 * Shared fixtures of the job status tests: a test database with a settable clock, jobs seeded as
 * submission leaves them (Status Received, MinorStatus "Job accepted", one LoggingInfo record
 * from "JobManager"), and readers of what the operations wrote.
 */
import { getLoggingRecords, type StoredLoggingRecord } from '../../../src/db/job-logging.ts';
import { getJobParameters } from '../../../src/db/job-parameters.ts';
import type { JobRow } from '../../../src/db/schema/jobs.ts';
import type { JobsContext } from '../../../src/logic/jobs/set-status.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import {
  insertJobs,
  insertTaskQueue,
  readHeartbeatSamples as readSamples,
  readJobCommands,
  readJobRow,
  readJobRows,
  readTaskQueue as readQueue,
  type StoredHeartbeatSample,
  type StoredJobCommand,
} from '../../harness/job-rows.ts';

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
  return insertJobs(f.t.database, n, {
    status,
    minorStatus,
    vo,
    owner: 'chaen',
    ownerGroup: 'lhcb_user',
    at: SUBMITTED,
  });
}

export async function readJob(f: JobsFixture, jobId: number): Promise<JobRow> {
  const row = await readJobRow(f.t.database, jobId);
  if (!row) throw new Error(`job ${jobId} not in the database`);
  return row;
}

export const readJobs = (f: JobsFixture, jobIds: readonly number[]): Promise<JobRow[]> =>
  readJobRows(f.t.database, jobIds);

export const readHistory = (f: JobsFixture, jobId: number): Promise<StoredLoggingRecord[]> =>
  getLoggingRecords(f.t.database.session, [jobId]);

export async function readParameters(f: JobsFixture, jobId: number): Promise<Record<string, unknown> | undefined> {
  return (await getJobParameters(f.t.database.session, [jobId])).get(jobId);
}

export const readCommands = (f: JobsFixture, jobIds: readonly number[]): Promise<StoredJobCommand[]> =>
  readJobCommands(f.t.database, jobIds);

export const readHeartbeatSamples = (f: JobsFixture, jobId: number): Promise<StoredHeartbeatSample[]> =>
  readSamples(f.t.database, jobId);

/** Creates an enabled task queue holding the jobs; returns its id. */
export const seedTaskQueue = (f: JobsFixture, jobIds: readonly number[], enabled = true): Promise<number> =>
  insertTaskQueue(
    f.t.database,
    { owner: 'chaen', ownerGroup: 'lhcb_user', vo: 'lhcb', cpuTime: 86400, priority: 1, enabled },
    jobIds,
  );

export const readTaskQueue = (f: JobsFixture, tqId: number): Promise<{ exists: boolean; jobIds: number[] }> =>
  readQueue(f.t.database, tqId);

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
