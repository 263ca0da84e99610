/**
 * @module db/mysql/pilots-search
 * Search and summary of DiracX's `PilotAgents` table on MySQL/MariaDB
 * (`PilotAgentsDB.search`/`summary`): the same functions as `../pilots-search.ts` (PostgreSQL)
 * over the qualified tables, on the same engine (`../search/`) with the MySQL backend
 * (`./search.ts`). `AccountingSent` is DiracX's `EnumBackedBool` here, compared and returned as
 * a boolean.
 */
import { inArray, type SQL } from 'drizzle-orm';
import type { MySqlColumn, MySqlTable } from 'drizzle-orm/mysql-core';
import { type PilotSearchScope, pilotScopeConditions, pilotsSearchTable } from '../search/pilots.ts';
import { runSearch, runSummary, type SearchPage } from '../search/run.ts';
import type { SearchQuery, SearchRow, SearchTable, SummaryQuery } from '../search/types.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';
import { ENUM_BACKED_BOOL } from './schema/columns.ts';
import { mysqlSearch } from './search.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'pilotAgents' | 'jobToPilotMapping'>;

/** The `PilotAgents` columns a search may name, in DiracX's column order. */
export function pilotsSearchTableOf(t: Pick<MysqlTables, 'pilotAgents'>): SearchTable<MySqlTable, MySqlColumn> {
  return pilotsSearchTable<MySqlTable, MySqlColumn>(t.pilotAgents, t.pilotAgents, ENUM_BACKED_BOOL);
}

function scopeConditions(db: Handle, t: Tables, scope: PilotSearchScope | undefined): SQL[] {
  return pilotScopeConditions(t.pilotAgents, scope, (jobIds) =>
    db
      .selectDistinct({ pilotId: t.jobToPilotMapping.pilotId })
      .from(t.jobToPilotMapping)
      .where(inArray(t.jobToPilotMapping.jobId, jobIds)),
  );
}

/** One page of pilots matching `params` within `scope`, and the total (see `../pilots-search.ts`). */
export async function searchPilots(
  db: Handle,
  t: Tables,
  params: SearchQuery,
  page: number,
  perPage: number,
  scope?: PilotSearchScope,
): Promise<SearchPage> {
  return runSearch(mysqlSearch(db), pilotsSearchTableOf(t), params, { page, perPage }, scopeConditions(db, t, scope));
}

/** Pilot counts per `grouping` (every column when `[]`) within `scope`, each row with `count`. */
export async function summarisePilots(
  db: Handle,
  t: Tables,
  params: SummaryQuery,
  scope?: PilotSearchScope,
): Promise<SearchRow[]> {
  return runSummary(mysqlSearch(db), pilotsSearchTableOf(t), params, scopeConditions(db, t, scope));
}
