/**
 * @module db/pg/jobs-search
 * Search and summary of the `Jobs` table on PostgreSQL (DiracX's `JobDB.search`/`summary` and
 * the `LoggingInfo` pseudo-parameter, spec §2.1-2.2): the dialect-neutral description of
 * `../search/jobs.ts` bound to our schema's tables and run by the generic engine in `../search/`.
 * `../mysql/jobs-search.ts` does the same over DiracX's JobDB on MySQL.
 */
import { asc, inArray } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../database.ts';
import { loggingInfo } from '../schema/job-logging.ts';
import { jobs } from '../schema/jobs.ts';
import {
  type JobLoggingRecord,
  type JobSearchRow,
  type JobSearchScope,
  jobScopeConditions,
  jobsSearchTable,
  resolveHistories,
  searchJobsOn,
} from '../search/jobs.ts';
import { postgresSearch } from '../search/postgres.ts';
import { runSummary } from '../search/run.ts';
import type { SearchQuery, SearchRow, SummaryQuery } from '../search/types.ts';

export { type JobLoggingRecord, type JobSearchRow, type JobSearchScope, LOGGING_INFO } from '../search/jobs.ts';

type Handle = Db | Tx;

/** The `Jobs` columns a search may name, in DiracX's column order (the order of "all columns"). */
export const JOBS_SEARCH_TABLE = jobsSearchTable<PgTable, PgColumn>(jobs, jobs);

/**
 * The status histories of `jobIds` in ONE query, ordered by `StatusTimeOrder` then
 * `StatusTime` (then `SeqNum`, for a stable order of equal times), `idem` resolved as DiracX's
 * `JobLoggingDB.get_records`. Jobs without records get no entry.
 */
export async function getJobLoggingRecords(
  db: Handle,
  jobIds: readonly number[],
): Promise<Map<number, JobLoggingRecord[]>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({
      jobId: loggingInfo.jobId,
      status: loggingInfo.status,
      minorStatus: loggingInfo.minorStatus,
      applicationStatus: loggingInfo.applicationStatus,
      statusTime: loggingInfo.statusTime,
      source: loggingInfo.statusSource,
    })
    .from(loggingInfo)
    .where(inArray(loggingInfo.jobId, [...jobIds]))
    .orderBy(
      asc(loggingInfo.jobId),
      asc(loggingInfo.statusTimeOrder),
      asc(loggingInfo.statusTime),
      asc(loggingInfo.seqNum),
    );
  return resolveHistories(rows);
}

/**
 * One page of jobs matching `params` within `scope`, and the total. Rows are keyed by DiracX
 * column names; datetimes are `Date`, `VerifiedFlag` a boolean, `AccountedFlag`
 * true/false/"Failed". Throws `InvalidInputError` for DiracX's 400s.
 */
export async function searchJobs(
  db: Handle,
  params: SearchQuery,
  page: number,
  perPage: number,
  scope?: JobSearchScope,
): Promise<{ rows: JobSearchRow[]; total: number }> {
  return searchJobsOn(
    postgresSearch(db),
    JOBS_SEARCH_TABLE,
    { params, page, perPage, scope: jobScopeConditions(jobs, scope) },
    (ids) => getJobLoggingRecords(db, ids),
  );
}

/** Job counts per `grouping` (every column when `[]`) within `scope`, each row with `count`. */
export async function summariseJobs(db: Handle, params: SummaryQuery, scope?: JobSearchScope): Promise<SearchRow[]> {
  return runSummary(postgresSearch(db), JOBS_SEARCH_TABLE, params, jobScopeConditions(jobs, scope));
}
