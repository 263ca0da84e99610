/**
 * @module db/search/pilots
 * The `PilotAgents` table as the search engine sees it, in either dialect (DiracX's
 * `PilotAgentsDB.search`/`summary`, spec §2.1 and §2.8): the searchable columns under their
 * DiracX wire names and the caller's scope (a VO, the pilots that ran given jobs) as conditions
 * of the same query. `../pilots-search.ts` (PostgreSQL) and `../mysql/pilots-search.ts`
 * (DiracX's PilotAgentsDB on MySQL) bind these to their tables; nothing here decides who may
 * see what.
 */
import { type Column, eq, inArray, type SQL, type SQLWrapper, type Table } from 'drizzle-orm';
import type { FlagColumn, SearchTable } from './types.ts';

/** Our schema's field names of the searchable `PilotAgents` columns (the same in both dialects). */
export type PilotsSearchField =
  | 'pilotId'
  | 'initialJobId'
  | 'currentJobId'
  | 'pilotJobReference'
  | 'pilotStamp'
  | 'destinationSite'
  | 'queue'
  | 'gridSite'
  | 'vo'
  | 'gridType'
  | 'benchMark'
  | 'submissionTime'
  | 'lastUpdateTime'
  | 'status'
  | 'statusReason'
  | 'accountingSent';

/**
 * The `PilotAgents` columns a search may name, in DiracX's column order. `accountingStored`: how
 * `AccountingSent` is stored when not as a boolean (DiracX's `EnumBackedBool` on MySQL).
 */
export function pilotsSearchTable<T extends Table, C extends Column>(
  table: T,
  c: Readonly<Record<PilotsSearchField, C>>,
  accountingStored?: FlagColumn['stored'],
): SearchTable<T, C> {
  return {
    table,
    key: 'PilotID',
    columns: {
      PilotID: { kind: 'int', column: c.pilotId },
      InitialJobID: { kind: 'int', column: c.initialJobId },
      CurrentJobID: { kind: 'int', column: c.currentJobId },
      PilotJobReference: { kind: 'string', column: c.pilotJobReference },
      PilotStamp: { kind: 'string', column: c.pilotStamp },
      DestinationSite: { kind: 'string', column: c.destinationSite },
      Queue: { kind: 'string', column: c.queue },
      GridSite: { kind: 'string', column: c.gridSite },
      VO: { kind: 'string', column: c.vo },
      GridType: { kind: 'string', column: c.gridType },
      BenchMark: { kind: 'float', column: c.benchMark },
      SubmissionTime: { kind: 'datetime', column: c.submissionTime },
      LastUpdateTime: { kind: 'datetime', column: c.lastUpdateTime },
      Status: { kind: 'string', column: c.status },
      StatusReason: { kind: 'string', column: c.statusReason },
      AccountingSent: {
        kind: 'bool',
        column: c.accountingSent,
        ...(accountingStored ? { stored: accountingStored } : {}),
      },
    },
  };
}

/** Restricts every search and summary; set fields are AND-ed with the user's filters. */
export interface PilotSearchScope {
  /** Only pilots of this VO. */
  vo?: string;
  /** Only pilots that ran at least one of these jobs (through `JobToPilotMapping`). */
  ranJobIds?: readonly number[];
}

/**
 * The scope as conditions on `PilotAgents`; `pilotsOfJobs` is the dialect's subquery of the
 * `PilotID`s that ran any of the jobs (`JobToPilotMapping`).
 */
export function pilotScopeConditions(
  c: { vo: Column; pilotId: Column },
  scope: PilotSearchScope | undefined,
  pilotsOfJobs: (jobIds: number[]) => SQLWrapper,
): SQL[] {
  const conditions: SQL[] = [];
  if (scope?.vo !== undefined) conditions.push(eq(c.vo, scope.vo));
  if (scope?.ranJobIds !== undefined) conditions.push(inArray(c.pilotId, pilotsOfJobs([...scope.ranJobIds])));
  return conditions;
}
