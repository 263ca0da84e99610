/**
 * @module db/job-status
 * Status-side writes on JobDB: locking jobs, attribute updates, job commands, heartbeats,
 * deletion, on whichever dialect the session is: each function hands the session to `./pg/job-
 * status.ts` or its MySQL/MariaDB counterpart in `./mysql/`.
 */
import type { HeartbeatSample, JobAttributeUpdate, JobCommandRow, LockedJob } from './pg/job-status.ts';
import type { Session } from './session.ts';
import * as pg from './pg/job-status.ts';
import * as mysqlJobStatus from './mysql/job-status.ts';
export type {
  JobAttributeName,
  JobAttributeValue,
  JobAttributeUpdate,
  LockedJob,
  JobCommandRow,
  HeartbeatSample,
} from './pg/job-status.ts';
export { JOB_ATTRIBUTE_COLUMNS } from './pg/job-status.ts';

/**
 * Reads the jobs' status columns and locks their rows until the transaction ends (in JobID
 * order, so that concurrent writers cannot deadlock), so no concurrent update works from a
 * stale status. Missing ids, and with `vo` the jobs of other VOs, are absent from the result.
 */
export function lockJobs(s: Session, jobIds: readonly number[], vo?: string): Promise<LockedJob[]> {
  return s.dialect === 'mysql' ? mysqlJobStatus.lockJobs(s.db, s.tables, jobIds, vo) : pg.lockJobs(s.db, jobIds, vo);
}

/**
 * Sets each job's attributes in one statement per chunk: every column touched by any job gets a
 * `CASE "JobID" WHEN ... THEN ... ELSE <column> END`, so jobs keep the columns they do not set.
 */
export function updateJobAttributes(s: Session, updates: ReadonlyMap<number, JobAttributeUpdate>): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlJobStatus.updateJobAttributes(s.db, s.tables, updates)
    : pg.updateJobAttributes(s.db, updates);
}

/**
 * Queues commands for the jobs' pilots. `(JobID, ReceptionTime)` is the key, so each command
 * gets `now`, moved past the job's latest queued command when needed, plus its rank among this
 * call's commands for the same job: several commands for one job never collide.
 */
export function insertJobCommands(s: Session, commands: readonly JobCommandRow[], now: Date): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlJobStatus.insertJobCommands(s.db, s.tables, commands, now)
    : pg.insertJobCommands(s.db, commands, now);
}

/**
 * The jobs' pending (`Received`) commands, marked `Sent` by the same statement, ordered by job
 * and reception time: a command is delivered once even to concurrent heartbeats.
 */
export function takePendingJobCommands(s: Session, jobIds: readonly number[], now: Date): Promise<JobCommandRow[]> {
  return s.dialect === 'mysql'
    ? mysqlJobStatus.takePendingJobCommands(s.db, s.tables, jobIds)
    : pg.takePendingJobCommands(s.db, jobIds, now);
}

/** Stores heartbeat samples; a second sample of the same job, name and instant replaces the first. */
export function insertHeartbeatSamples(s: Session, samples: readonly HeartbeatSample[]): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlJobStatus.insertHeartbeatSamples(s.db, s.tables, samples)
    : pg.insertHeartbeatSamples(s.db, samples);
}

/**
 * Deletes the jobs' `JobJDLs` rows, which cascades to `Jobs` and every table hanging off it;
 * returns the ids deleted.
 */
export function deleteJobs(s: Session, jobIds: readonly number[]): Promise<number[]> {
  return s.dialect === 'mysql' ? mysqlJobStatus.deleteJobs(s.db, s.tables, jobIds) : pg.deleteJobs(s.db, jobIds);
}
