/**
 * @module db/pg/job-submission
 * Writes of a job submission, batched: job ids come from the `JobJDLs` sequence in one
 * statement, then each table gets one multi-row insert per chunk (never one statement per job).
 * No rules live here; the caller owns the transaction.
 */
import { sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { resultRows, type Db, type Tx } from '../database.ts';
import { batches } from '../batches.ts';
import { insertLoggingRecords, type LoggingRecord } from './job-logging.ts';
import { inputData, jobJdls, jobs, type NewJobRow } from '../schema/jobs.ts';

type Handle = Db | Tx;

/** The `n` of a `varchar(n)` column. */
function widthOf(column: PgColumn): number | undefined {
  const match = /\((\d+)\)$/.exec(column.getSQLType());
  return match ? Number(match[1]) : undefined;
}

/**
 * How many characters the columns a job description's text lands in hold, by JDL attribute,
 * read from the schema so that the submission checks cannot drift from it.
 */
export const STORED_TEXT_WIDTHS = {
  JobName: widthOf(jobs.jobName),
  JobType: widthOf(jobs.jobType),
  JobGroup: widthOf(jobs.jobGroup),
  Site: widthOf(jobs.site),
  InputData: widthOf(inputData.lfn),
} as const satisfies Record<string, number | undefined>;

/** Reserves `n` job ids from the `JobJDLs.JobID` sequence, in increasing order. */
export async function allocateJobIds(db: Handle, n: number): Promise<number[]> {
  if (n === 0) return [];
  const result = await db.execute(
    sql`select nextval(pg_get_serial_sequence('"JobJDLs"', 'JobID'))::int as id from generate_series(1, ${n})`,
  );
  const rows = resultRows<{ id: number }>(result);
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
  for (const part of batches(submitted)) {
    await db.insert(jobJdls).values(part.map((s) => s.jdl));
    await db.insert(jobs).values(part.map((s) => s.job));
    const lfns = part.flatMap((s) => s.inputData.map((lfn) => ({ jobId: s.jdl.jobId, lfn })));
    for (const lfnPart of batches(lfns)) await db.insert(inputData).values(lfnPart).onConflictDoNothing();
  }
  await insertLoggingRecords(
    db,
    submitted.map((s) => s.logging),
  );
}
