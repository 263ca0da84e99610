/**
 * @module db/pg/pilots-search
 * Search and summary of the `PilotAgents` table on PostgreSQL (DiracX's
 * `PilotAgentsDB.search`/`summary`, spec §2.1 and §2.8): the dialect-neutral description of
 * `../search/pilots.ts` bound to our schema's tables and run by the generic engine in
 * `../search/`. `../mysql/pilots-search.ts` does the same over DiracX's PilotAgentsDB on MySQL.
 */
import { inArray, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../database.ts';
import { jobToPilotMapping, pilotAgents } from '../schema/pilots.ts';
import { type PilotSearchScope, pilotScopeConditions, pilotsSearchTable } from '../search/pilots.ts';
import { postgresSearch } from '../search/postgres.ts';
import { runSearch, runSummary, type SearchPage } from '../search/run.ts';
import type { SearchQuery, SearchRow, SummaryQuery } from '../search/types.ts';

export type { PilotSearchScope } from '../search/pilots.ts';

type Handle = Db | Tx;

/** The `PilotAgents` columns a search may name, in DiracX's column order. */
export const PILOTS_SEARCH_TABLE = pilotsSearchTable<PgTable, PgColumn>(pilotAgents, pilotAgents);

function scopeConditions(db: Handle, scope: PilotSearchScope | undefined): SQL[] {
  return pilotScopeConditions(pilotAgents, scope, (jobIds) =>
    db
      .selectDistinct({ pilotId: jobToPilotMapping.pilotId })
      .from(jobToPilotMapping)
      .where(inArray(jobToPilotMapping.jobId, jobIds)),
  );
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
  return runSearch(postgresSearch(db), PILOTS_SEARCH_TABLE, params, { page, perPage }, scopeConditions(db, scope));
}

/** Pilot counts per `grouping` (every column when `[]`) within `scope`, each row with `count`. */
export async function summarisePilots(
  db: Handle,
  params: SummaryQuery,
  scope?: PilotSearchScope,
): Promise<SearchRow[]> {
  return runSummary(postgresSearch(db), PILOTS_SEARCH_TABLE, params, scopeConditions(db, scope));
}
