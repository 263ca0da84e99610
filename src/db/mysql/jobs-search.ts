/**
 * @module db/mysql/jobs-search
 * Search and summary of DiracX's `Jobs` table on MySQL/MariaDB (`JobDB.search`/`summary`, and
 * the `LoggingInfo` pseudo-parameter read from JobLoggingDB): the same functions as
 * `../jobs-search.ts` (PostgreSQL) over the qualified tables, on the same engine
 * (`../search/`) with the MySQL backend (`./search.ts`). `VerifiedFlag` is DiracX's
 * `EnumBackedBool` here, compared and returned as a boolean.
 */
import type { MySqlColumn, MySqlTable } from 'drizzle-orm/mysql-core';
import {
  type JobLoggingRecord,
  type JobSearchRow,
  type JobSearchScope,
  jobScopeConditions,
  jobsSearchTable,
  resolveHistories,
  searchJobsOn,
} from '../search/jobs.ts';
import { runSummary } from '../search/run.ts';
import type { SearchQuery, SearchRow, SearchTable, SummaryQuery } from '../search/types.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';
import { getLoggingRecords } from './job-logging.ts';
import { ENUM_BACKED_BOOL } from './schema/columns.ts';
import { mysqlSearch } from './search.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'jobs' | 'loggingInfo'>;

/** The `Jobs` columns a search may name, in DiracX's column order. */
export function jobsSearchTableOf(t: Pick<MysqlTables, 'jobs'>): SearchTable<MySqlTable, MySqlColumn> {
  return jobsSearchTable<MySqlTable, MySqlColumn>(t.jobs, t.jobs, ENUM_BACKED_BOOL);
}

/** The status histories of `jobIds` (`idem` resolved, as DiracX's `JobLoggingDB.get_records`). */
export async function getJobLoggingRecords(
  db: Handle,
  t: Pick<MysqlTables, 'loggingInfo'>,
  jobIds: readonly number[],
): Promise<Map<number, JobLoggingRecord[]>> {
  return resolveHistories(await getLoggingRecords(db, t, jobIds));
}

/** One page of jobs matching `params` within `scope`, and the total (see `../jobs-search.ts`). */
export async function searchJobs(
  db: Handle,
  t: Tables,
  params: SearchQuery,
  page: number,
  perPage: number,
  scope?: JobSearchScope,
): Promise<{ rows: JobSearchRow[]; total: number }> {
  return searchJobsOn(
    mysqlSearch(db),
    jobsSearchTableOf(t),
    { params, page, perPage, scope: jobScopeConditions(t.jobs, scope) },
    (ids) => getJobLoggingRecords(db, t, ids),
  );
}

/** Job counts per `grouping` (every column when `[]`) within `scope`, each row with `count`. */
export async function summariseJobs(
  db: Handle,
  t: Pick<MysqlTables, 'jobs'>,
  params: SummaryQuery,
  scope?: JobSearchScope,
): Promise<SearchRow[]> {
  return runSummary(mysqlSearch(db), jobsSearchTableOf(t), params, jobScopeConditions(t.jobs, scope));
}
