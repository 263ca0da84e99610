/**
 * @module db/jobs-search
 * Job search and summary (DiracX's `/api/jobs/search` and `/summary`) and job histories, on
 * whichever dialect the session is: each function hands the session to `./pg/jobs-search.ts` or
 * `./mysql/jobs-search.ts`, both running the engine of `./search/`.
 */
import * as mysqlJobsSearch from './mysql/jobs-search.ts';
import * as pg from './pg/jobs-search.ts';
import type { JobLoggingRecord, JobSearchRow, JobSearchScope } from './search/jobs.ts';
import type { SearchQuery, SearchRow, SummaryQuery } from './search/types.ts';
import type { Session } from './session.ts';

export { type JobLoggingRecord, type JobSearchRow, type JobSearchScope, LOGGING_INFO } from './search/jobs.ts';
export { JOBS_SEARCH_TABLE } from './pg/jobs-search.ts';

/**
 * The status histories of `jobIds` in ONE query, ordered by `StatusTimeOrder` then
 * `StatusTime`, `idem` resolved as DiracX's `JobLoggingDB.get_records`. Jobs without records get
 * no entry.
 */
export function getJobLoggingRecords(s: Session, jobIds: readonly number[]): Promise<Map<number, JobLoggingRecord[]>> {
  return s.dialect === 'mysql'
    ? mysqlJobsSearch.getJobLoggingRecords(s.db, s.tables, jobIds)
    : pg.getJobLoggingRecords(s.db, jobIds);
}

/**
 * One page of jobs matching `params` within `scope`, and the total. Rows are keyed by DiracX
 * column names; datetimes are `Date`, `VerifiedFlag` a boolean, `AccountedFlag`
 * true/false/"Failed". Throws `InvalidInputError` for DiracX's 400s.
 */
export function searchJobs(
  s: Session,
  params: SearchQuery,
  page: number,
  perPage: number,
  scope?: JobSearchScope,
): Promise<{ rows: JobSearchRow[]; total: number }> {
  return s.dialect === 'mysql'
    ? mysqlJobsSearch.searchJobs(s.db, s.tables, params, page, perPage, scope)
    : pg.searchJobs(s.db, params, page, perPage, scope);
}

/** Job counts per `grouping` (every column when `[]`) within `scope`, each row with `count`. */
export function summariseJobs(s: Session, params: SummaryQuery, scope?: JobSearchScope): Promise<SearchRow[]> {
  return s.dialect === 'mysql'
    ? mysqlJobsSearch.summariseJobs(s.db, s.tables, params, scope)
    : pg.summariseJobs(s.db, params, scope);
}
