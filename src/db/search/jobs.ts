/**
 * @module db/search/jobs
 * The `Jobs` table as the search engine sees it, in either dialect (DiracX's `JobDB.search` /
 * `summary` and the `LoggingInfo` pseudo-parameter of `logic/jobs/query.py`, spec §2.1-2.2):
 * the searchable columns under their DiracX wire names, the caller's scope as conditions, and
 * the status histories a `LoggingInfo` search adds to its rows. `../jobs-search.ts` (PostgreSQL)
 * and `../mysql/jobs-search.ts` (DiracX's JobDB on MySQL) bind these to their tables; nothing
 * here decides who may see what (policies and logic choose the scope).
 */
import { type Column, eq, type SQL, type Table } from 'drizzle-orm';
import type { SearchBackend } from './backend.ts';
import { runSearch } from './run.ts';
import type { EnumColumn, FlagColumn, SearchCell, SearchQuery, SearchTable, WireScalar } from './types.ts';

/** Our schema's field names of the searchable `Jobs` columns (the same in both dialects' schemas). */
export type JobsSearchField =
  | 'jobId'
  | 'jobType'
  | 'jobGroup'
  | 'site'
  | 'jobName'
  | 'owner'
  | 'ownerGroup'
  | 'vo'
  | 'submissionTime'
  | 'rescheduleTime'
  | 'lastUpdateTime'
  | 'startExecTime'
  | 'heartBeatTime'
  | 'endExecTime'
  | 'status'
  | 'minorStatus'
  | 'applicationStatus'
  | 'userPriority'
  | 'rescheduleCounter'
  | 'verifiedFlag'
  | 'accountedFlag';

/** Stored `AccountedFlag` text by lower-cased wire spelling (true/false/"Failed", as DiracX). */
const ACCOUNTED_STORED: Readonly<Record<string, string>> = {
  true: 'True',
  '1': 'True',
  false: 'False',
  '0': 'False',
  failed: 'Failed',
};

function accountedFlag<C extends Column>(column: C): EnumColumn<C> {
  return {
    kind: 'enum',
    column,
    encode: (value: WireScalar) => ACCOUNTED_STORED[String(value).toLowerCase()],
    decode: (stored: string): SearchCell => (stored === 'True' ? true : stored === 'False' ? false : stored),
    expected: "true, false, 'Failed'",
  };
}

/**
 * The `Jobs` columns a search may name, in DiracX's column order (the order of "all columns").
 * `verifiedStored`: how `VerifiedFlag` is stored when not as a boolean (DiracX's
 * `EnumBackedBool` on MySQL).
 */
export function jobsSearchTable<T extends Table, C extends Column>(
  table: T,
  c: Readonly<Record<JobsSearchField, C>>,
  verifiedStored?: FlagColumn['stored'],
): SearchTable<T, C> {
  return {
    table,
    key: 'JobID',
    columns: {
      JobID: { kind: 'int', column: c.jobId },
      JobType: { kind: 'string', column: c.jobType },
      JobGroup: { kind: 'string', column: c.jobGroup },
      Site: { kind: 'string', column: c.site },
      JobName: { kind: 'string', column: c.jobName },
      Owner: { kind: 'string', column: c.owner },
      OwnerGroup: { kind: 'string', column: c.ownerGroup },
      VO: { kind: 'string', column: c.vo },
      SubmissionTime: { kind: 'datetime', column: c.submissionTime },
      RescheduleTime: { kind: 'datetime', column: c.rescheduleTime },
      LastUpdateTime: { kind: 'datetime', column: c.lastUpdateTime },
      StartExecTime: { kind: 'datetime', column: c.startExecTime },
      HeartBeatTime: { kind: 'datetime', column: c.heartBeatTime },
      EndExecTime: { kind: 'datetime', column: c.endExecTime },
      Status: { kind: 'string', column: c.status },
      MinorStatus: { kind: 'string', column: c.minorStatus },
      ApplicationStatus: { kind: 'string', column: c.applicationStatus },
      UserPriority: { kind: 'int', column: c.userPriority },
      RescheduleCounter: { kind: 'int', column: c.rescheduleCounter },
      VerifiedFlag: { kind: 'bool', column: c.verifiedFlag, ...(verifiedStored ? { stored: verifiedStored } : {}) },
      AccountedFlag: accountedFlag(c.accountedFlag),
    },
  };
}

/** Restricts every search and summary; set fields are AND-ed with the user's filters. */
export interface JobSearchScope {
  vo?: string;
  owner?: string;
}

export function jobScopeConditions(c: { vo: Column; owner: Column }, scope: JobSearchScope | undefined): SQL[] {
  const conditions: SQL[] = [];
  if (scope?.vo !== undefined) conditions.push(eq(c.vo, scope.vo));
  if (scope?.owner !== undefined) conditions.push(eq(c.owner, scope.owner));
  return conditions;
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

/** A stored history record, as either dialect's `LoggingInfo` table reads. */
export interface StoredHistoryRecord {
  jobId: number;
  status: string;
  minorStatus: string;
  applicationStatus: string;
  statusTime: Date;
  source: string;
}

/**
 * Each job's history from its records, already in order (`StatusTimeOrder`, `StatusTime`, then
 * `SeqNum`). `"idem"` repeats the previous record's value; a first `"idem"` application status
 * reads `"Unknown"`, as DiracX's `JobLoggingDB.get_records`. Jobs without records get no entry.
 */
export function resolveHistories(records: Iterable<StoredHistoryRecord>): Map<number, JobLoggingRecord[]> {
  const histories = new Map<number, JobLoggingRecord[]>();
  const resolve = (value: string, before: string | undefined): string => (value === 'idem' ? (before ?? value) : value);
  for (const record of records) {
    const history = histories.get(record.jobId) ?? [];
    const previous = history.at(-1);
    history.push({
      Status: resolve(record.status, previous?.Status),
      MinorStatus: resolve(record.minorStatus, previous?.MinorStatus),
      ApplicationStatus: resolve(record.applicationStatus, previous?.ApplicationStatus ?? 'Unknown'),
      StatusTime: record.statusTime,
      Source: record.source,
    });
    histories.set(record.jobId, history);
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

/** How a search reads the histories of the jobs on its page. */
export type HistoryReader = (jobIds: readonly number[]) => Promise<Map<number, JobLoggingRecord[]>>;

/**
 * One page of jobs matching `params` within `scope` on `backend`, and the total; with
 * `LoggingInfo` asked for, each row gets its job's history from `histories`.
 */
export async function searchJobsOn<T extends Table, C extends Column>(
  backend: SearchBackend<T, C>,
  table: SearchTable<T, C>,
  q: { params: SearchQuery; page: number; perPage: number; scope: readonly SQL[] },
  histories: HistoryReader,
): Promise<{ rows: JobSearchRow[]; total: number }> {
  const { parameters, logging } = splitLoggingInfo(q.params.parameters);
  const paging = { page: q.page, perPage: q.perPage };
  const result = await runSearch(backend, table, { ...q.params, parameters }, paging, q.scope);
  if (!logging) return result;
  const ids = result.rows.map((row) => row.JobID).filter((id): id is number => typeof id === 'number');
  const byJob = await histories(ids);
  const rows = result.rows.map(
    (row): JobSearchRow => ({
      ...row,
      [LOGGING_INFO]: byJob.get(Number(row.JobID)) ?? [],
    }),
  );
  return { rows, total: result.total };
}
