/**
 * @module db/jobs
 * Job ownership, JDLs and what a reschedule reads, on whichever dialect the session is: each
 * function hands the session to `./pg/jobs.ts` or its MySQL/MariaDB counterpart in `./mysql/`.
 */
import type { JobForReschedule, JobOwnership } from './pg/jobs.ts';
import type { Session } from './session.ts';
import * as pg from './pg/jobs.ts';
import * as mysqlJobSubmission from './mysql/job-submission.ts';
export type { JobOwnership, JobForReschedule } from './pg/jobs.ts';

/** For the given job ids, how many jobs each (owner, VO) pair holds; missing ids count nowhere. */
export function ownersOfJobs(s: Session, jobIds: readonly number[]): Promise<JobOwnership[]> {
  return s.dialect === 'mysql'
    ? mysqlJobSubmission.ownersOfJobs(s.db, s.tables, jobIds)
    : pg.ownersOfJobs(s.db, jobIds);
}

/** The jobs of `jobIds` that exist, with what rescheduling needs (locked until the transaction ends). */
export function getJobsForReschedule(s: Session, jobIds: readonly number[]): Promise<JobForReschedule[]> {
  return s.dialect === 'mysql'
    ? mysqlJobSubmission.getJobsForReschedule(s.db, s.tables, jobIds)
    : pg.getJobsForReschedule(s.db, jobIds);
}

/** Replaces the stored (prepared) JDL of each job. */
export function updateJobJdls(s: Session, jdls: ReadonlyMap<number, string>): Promise<void> {
  return s.dialect === 'mysql' ? mysqlJobSubmission.updateJobJdls(s.db, s.tables, jdls) : pg.updateJobJdls(s.db, jdls);
}

/** The stored JDL of each job that exists. */
export function getJobJdls(
  s: Session,
  jobIds: readonly number[],
): Promise<Map<number, { jdl: string; originalJdl: string }>> {
  return s.dialect === 'mysql' ? mysqlJobSubmission.getJobJdls(s.db, s.tables, jobIds) : pg.getJobJdls(s.db, jobIds);
}
