/**
 * @module db/job-parameters
 * Job parameters, where our own database keeps them (DiracX keeps them in OpenSearch), on
 * whichever dialect the session is: each function hands the session to `./pg/job-parameters.ts` or
 * its MySQL/MariaDB counterpart in `./mysql/`.
 */
import type { JobParametersUpdate } from './pg/job-parameters.ts';
import type { Session } from './session.ts';
import * as pg from './pg/job-parameters.ts';
import * as mysqlJobParameters from './mysql/job-parameters.ts';
export type { JobParametersUpdate } from './pg/job-parameters.ts';

/**
 * Merges each update into its job's document, creating the document when missing, one
 * statement per chunk. Updates for the same job are merged first (later keys win), since one
 * `INSERT ... ON CONFLICT` may not touch a row twice.
 */
export function upsertJobParameters(s: Session, updates: readonly JobParametersUpdate[], now: Date): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlJobParameters.upsertJobParameters(s.db, s.tables, updates, now)
    : pg.upsertJobParameters(s.db, updates, now);
}

/** The parameters documents of the jobs that have one. */
export function getJobParameters(s: Session, jobIds: readonly number[]): Promise<Map<number, Record<string, unknown>>> {
  return s.dialect === 'mysql'
    ? mysqlJobParameters.getJobParameters(s.db, s.tables, jobIds)
    : pg.getJobParameters(s.db, jobIds);
}
