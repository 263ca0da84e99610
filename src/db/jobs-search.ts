/**
 * @module db/jobs-search
 * Search and summary of the `Jobs` table (DiracX's `JobDB.search`/`summary` and the
 * `LoggingInfo` pseudo-parameter of `logic/jobs/query.py`, spec §2.1-2.2) on the generic
 * engine in `./search/`. This module names the searchable columns with their DiracX wire
 * names and turns the caller's scope into conditions; it decides nothing about who may see
 * what (policies and logic choose the scope).
 */
import { asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';
import { loggingInfo } from './schema/job-logging.ts';
import { jobs } from './schema/jobs.ts';
import { runSearch, runSummary } from './search/run.ts';
import type {
  EnumColumn,
  SearchCell,
  SearchQuery,
  SearchRow,
  SearchTable,
  SummaryQuery,
  WireScalar,
} from './search/types.ts';

type Handle = Db | Tx;

/** Stored `AccountedFlag` text by lower-cased wire spelling (true/false/"Failed", as DiracX). */
const ACCOUNTED_STORED: Readonly<Record<string, string>> = {
  true: 'True',
  '1': 'True',
  false: 'False',
  '0': 'False',
  failed: 'Failed',
};

const ACCOUNTED_FLAG: EnumColumn = {
  kind: 'enum',
  column: jobs.accountedFlag,
  encode: (value: WireScalar) => ACCOUNTED_STORED[String(value).toLowerCase()],
  decode: (stored: string): SearchCell => (stored === 'True' ? true : stored === 'False' ? false : stored),
  expected: "true, false, 'Failed'",
};

/** The `Jobs` columns a search may name, in DiracX's column order (the order of "all columns"). */
export const JOBS_SEARCH_TABLE: SearchTable = {
  table: jobs,
  key: 'JobID',
  columns: {
    JobID: { kind: 'int', column: jobs.jobId },
    JobType: { kind: 'string', column: jobs.jobType },
    JobGroup: { kind: 'string', column: jobs.jobGroup },
    Site: { kind: 'string', column: jobs.site },
    JobName: { kind: 'string', column: jobs.jobName },
    Owner: { kind: 'string', column: jobs.owner },
    OwnerGroup: { kind: 'string', column: jobs.ownerGroup },
    VO: { kind: 'string', column: jobs.vo },
    SubmissionTime: { kind: 'datetime', column: jobs.submissionTime },
    RescheduleTime: { kind: 'datetime', column: jobs.rescheduleTime },
    LastUpdateTime: { kind: 'datetime', column: jobs.lastUpdateTime },
    StartExecTime: { kind: 'datetime', column: jobs.startExecTime },
    HeartBeatTime: { kind: 'datetime', column: jobs.heartBeatTime },
    EndExecTime: { kind: 'datetime', column: jobs.endExecTime },
    Status: { kind: 'string', column: jobs.status },
    MinorStatus: { kind: 'string', column: jobs.minorStatus },
    ApplicationStatus: { kind: 'string', column: jobs.applicationStatus },
    UserPriority: { kind: 'int', column: jobs.userPriority },
    RescheduleCounter: { kind: 'int', column: jobs.rescheduleCounter },
    VerifiedFlag: { kind: 'bool', column: jobs.verifiedFlag },
    AccountedFlag: ACCOUNTED_FLAG,
  },
};

/** Restricts every search and summary; set fields are AND-ed with the user's filters. */
export interface JobSearchScope {
  vo?: string;
  owner?: string;
}

/** One entry of a job's status history, as DiracX's `JobStatusReturn`. */
export interface JobLoggingRecord {
  Status: string;
  MinorStatus: string;
  ApplicationStatus: string;
  StatusTime: Date;
  Source: string;
}

export type JobSearchRow = Record<string, SearchCell | JobLoggingRecord[]>;

/** The pseudo-parameter that adds each job's status history to its row. */
export const LOGGING_INFO = 'LoggingInfo';

function scopeConditions(scope: JobSearchScope | undefined): SQL[] {
  const conditions: SQL[] = [];
  if (scope?.vo !== undefined) conditions.push(eq(jobs.vo, scope.vo));
  if (scope?.owner !== undefined) conditions.push(eq(jobs.owner, scope.owner));
  return conditions;
}

/**
 * The status histories of `jobIds` in ONE query, ordered by `StatusTimeOrder` then
 * `StatusTime` (then `SeqNum`, for a stable order of equal times). `"idem"` repeats the
 * previous record's value; a first `"idem"` application status reads `"Unknown"`, as DiracX's
 * `JobLoggingDB.get_records`. Jobs without records get no entry.
 */
export async function getJobLoggingRecords(
  db: Handle,
  jobIds: readonly number[],
): Promise<Map<number, JobLoggingRecord[]>> {
  const histories = new Map<number, JobLoggingRecord[]>();
  if (jobIds.length === 0) return histories;
  const rows = await db
    .select()
    .from(loggingInfo)
    .where(inArray(loggingInfo.jobId, [...jobIds]))
    .orderBy(
      asc(loggingInfo.jobId),
      asc(loggingInfo.statusTimeOrder),
      asc(loggingInfo.statusTime),
      asc(loggingInfo.seqNum),
    );
  for (const row of rows) {
    const history = histories.get(row.jobId) ?? [];
    const previous = history.at(-1);
    const resolve = (value: string, before: string | undefined): string =>
      value === 'idem' ? (before ?? value) : value;
    history.push({
      Status: resolve(row.status, previous?.Status),
      MinorStatus: resolve(row.minorStatus, previous?.MinorStatus),
      ApplicationStatus: resolve(row.applicationStatus, previous?.ApplicationStatus ?? 'Unknown'),
      StatusTime: row.statusTime,
      Source: row.statusSource,
    });
    histories.set(row.jobId, history);
  }
  return histories;
}

/**
 * DiracX's handling of `LoggingInfo` in `parameters`: removed from the columns; alone, it
 * means every column; with others, `JobID` is added (the histories are keyed by it).
 */
function splitLoggingInfo(parameters: readonly string[] | null): {
  parameters: readonly string[] | null;
  logging: boolean;
} {
  if (!parameters?.includes(LOGGING_INFO)) return { parameters, logging: false };
  const rest = parameters.filter((p) => p !== LOGGING_INFO);
  return { parameters: rest.length === 0 ? null : ['JobID', ...rest], logging: true };
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
  const { parameters, logging } = splitLoggingInfo(params.parameters);
  const result = await runSearch(
    db,
    JOBS_SEARCH_TABLE,
    { ...params, parameters },
    { page, perPage },
    scopeConditions(scope),
  );
  if (!logging) return result;
  const ids = result.rows.map((row) => row.JobID).filter((id): id is number => typeof id === 'number');
  const histories = await getJobLoggingRecords(db, ids);
  const rows = result.rows.map(
    (row): JobSearchRow => ({
      ...row,
      [LOGGING_INFO]: histories.get(Number(row.JobID)) ?? [],
    }),
  );
  return { rows, total: result.total };
}

/** Job counts per `grouping` (every column when `[]`) within `scope`, each row with `count`. */
export async function summariseJobs(db: Handle, params: SummaryQuery, scope?: JobSearchScope): Promise<SearchRow[]> {
  return runSummary(db, JOBS_SEARCH_TABLE, params, scopeConditions(scope));
}
