/**
 * @module db/pilots-search
 * Search and summary of the `PilotAgents` table (DiracX's `PilotAgentsDB.search`/`summary`,
 * spec §2.1 and §2.8) on the generic engine in `./search/`. This module names the searchable
 * columns with their DiracX wire names and turns the caller's scope (a VO, the pilots that ran
 * given jobs) into conditions of the same query; it decides nothing about who may see what.
 */
import { eq, inArray, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';
import { jobToPilotMapping, pilotAgents } from './schema/pilots.ts';
import { runSearch, runSummary, type SearchPage } from './search/run.ts';
import type { SearchQuery, SearchRow, SearchTable, SummaryQuery } from './search/types.ts';

type Handle = Db | Tx;

/** The `PilotAgents` columns a search may name, in DiracX's column order. */
export const PILOTS_SEARCH_TABLE: SearchTable = {
  table: pilotAgents,
  key: 'PilotID',
  columns: {
    PilotID: { kind: 'int', column: pilotAgents.pilotId },
    InitialJobID: { kind: 'int', column: pilotAgents.initialJobId },
    CurrentJobID: { kind: 'int', column: pilotAgents.currentJobId },
    PilotJobReference: { kind: 'string', column: pilotAgents.pilotJobReference },
    PilotStamp: { kind: 'string', column: pilotAgents.pilotStamp },
    DestinationSite: { kind: 'string', column: pilotAgents.destinationSite },
    Queue: { kind: 'string', column: pilotAgents.queue },
    GridSite: { kind: 'string', column: pilotAgents.gridSite },
    VO: { kind: 'string', column: pilotAgents.vo },
    GridType: { kind: 'string', column: pilotAgents.gridType },
    BenchMark: { kind: 'float', column: pilotAgents.benchMark },
    SubmissionTime: { kind: 'datetime', column: pilotAgents.submissionTime },
    LastUpdateTime: { kind: 'datetime', column: pilotAgents.lastUpdateTime },
    Status: { kind: 'string', column: pilotAgents.status },
    StatusReason: { kind: 'string', column: pilotAgents.statusReason },
    AccountingSent: { kind: 'bool', column: pilotAgents.accountingSent },
  },
};

/** Restricts every search and summary; set fields are AND-ed with the user's filters. */
export interface PilotSearchScope {
  /** Only pilots of this VO. */
  vo?: string;
  /** Only pilots that ran at least one of these jobs (through `JobToPilotMapping`). */
  ranJobIds?: readonly number[];
}

function scopeConditions(db: Handle, scope: PilotSearchScope | undefined): SQL[] {
  const conditions: SQL[] = [];
  if (scope?.vo !== undefined) conditions.push(eq(pilotAgents.vo, scope.vo));
  if (scope?.ranJobIds !== undefined) {
    const pilotsOfJobs = db
      .selectDistinct({ pilotId: jobToPilotMapping.pilotId })
      .from(jobToPilotMapping)
      .where(inArray(jobToPilotMapping.jobId, [...scope.ranJobIds]));
    conditions.push(inArray(pilotAgents.pilotId, pilotsOfJobs));
  }
  return conditions;
}

/**
 * One page of pilots matching `params` within `scope`, and the total. Rows are keyed by
 * DiracX column names; datetimes are `Date`. Throws `InvalidInputError` for DiracX's 400s.
 */
export async function searchPilots(
  db: Handle,
  params: SearchQuery,
  page: number,
  perPage: number,
  scope?: PilotSearchScope,
): Promise<SearchPage> {
  return runSearch(db, PILOTS_SEARCH_TABLE, params, { page, perPage }, scopeConditions(db, scope));
}

/** Pilot counts per `grouping` (every column when `[]`) within `scope`, each row with `count`. */
export async function summarisePilots(
  db: Handle,
  params: SummaryQuery,
  scope?: PilotSearchScope,
): Promise<SearchRow[]> {
  return runSummary(db, PILOTS_SEARCH_TABLE, params, scopeConditions(db, scope));
}
