/**
 * @module db/job-submission
 * Writes of a job submission, batched: job ids come from the `JobJDLs` sequence in one
 * statement, then each table gets one multi-row insert per chunk (never one statement per job).
 * No rules live here; the caller owns the transaction.
 */
import { sql } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';
import { insertLoggingRecords, type LoggingRecord } from './job-logging.ts';
import { inputData, jobJdls, jobs, type NewJobRow } from './schema/jobs.ts';

type Handle = Db | Tx;

/** Rows per INSERT: well below PostgreSQL's 65 535 bind parameters for the widest table. */
const CHUNK = 1000;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Reserves `n` job ids from the `JobJDLs.JobID` sequence, in increasing order. */
export async function allocateJobIds(db: Handle, n: number): Promise<number[]> {
  if (n === 0) return [];
  const result = await db.execute(
    sql`select nextval(pg_get_serial_sequence('"JobJDLs"', 'JobID'))::int as id from generate_series(1, ${n})`,
  );
  // postgres.js resolves to the rows, PGlite to `{ rows }`.
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { id: number }[];
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

export interface SubmittedJob {
  jdl: { jobId: number; jdl: string; jobRequirements: string; originalJdl: string };
  job: NewJobRow;
  inputData: string[];
  /** The job's first history record. */
  logging: LoggingRecord;
}

/** Inserts the JDLs, jobs, input data and first logging record of already-numbered jobs. */
export async function insertSubmittedJobs(db: Handle, submitted: readonly SubmittedJob[]): Promise<void> {
  for (const part of chunks(submitted)) {
    await db.insert(jobJdls).values(part.map((s) => s.jdl));
    await db.insert(jobs).values(part.map((s) => s.job));
    const lfns = part.flatMap((s) => s.inputData.map((lfn) => ({ jobId: s.jdl.jobId, lfn })));
    for (const lfnPart of chunks(lfns)) await db.insert(inputData).values(lfnPart).onConflictDoNothing();
  }
  await insertLoggingRecords(
    db,
    submitted.map((s) => s.logging),
  );
}
