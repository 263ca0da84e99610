/**
 * @module db/job-submission
 * Job id allocation and the rows a submission writes, on whichever dialect the session is: each
 * function hands the session to `./pg/job-submission.ts` or its MySQL/MariaDB counterpart in
 * `./mysql/`.
 */
import type { SubmittedJob } from './pg/job-submission.ts';
import type { Session } from './session.ts';
import * as pg from './pg/job-submission.ts';
import * as mysqlJobSubmission from './mysql/job-submission.ts';
export type { SubmittedJob } from './pg/job-submission.ts';
export { STORED_TEXT_WIDTHS } from './pg/job-submission.ts';

/** Reserves `n` job ids from the `JobJDLs.JobID` sequence, in increasing order. */
export function allocateJobIds(s: Session, n: number): Promise<number[]> {
  return s.dialect === 'mysql' ? mysqlJobSubmission.allocateJobIds(s.db, s.tables, n) : pg.allocateJobIds(s.db, n);
}

/** Inserts the JDLs, jobs, input data and first logging record of already-numbered jobs. */
export function insertSubmittedJobs(s: Session, submitted: readonly SubmittedJob[]): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlJobSubmission.insertSubmittedJobs(s.db, s.tables, submitted)
    : pg.insertSubmittedJobs(s.db, submitted);
}
