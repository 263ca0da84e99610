/**
 * @module db/pilots-search
 * Pilot search and summary (DiracX's `/api/pilots/search` and `/summary`), on whichever dialect
 * the session is: each function hands the session to `./pg/pilots-search.ts` or
 * `./mysql/pilots-search.ts`, both running the engine of `./search/`.
 */
import * as mysqlPilotsSearch from './mysql/pilots-search.ts';
import * as pg from './pg/pilots-search.ts';
import type { PilotSearchScope } from './search/pilots.ts';
import type { SearchPage } from './search/run.ts';
import type { SearchQuery, SearchRow, SummaryQuery } from './search/types.ts';
import type { Session } from './session.ts';

export type { PilotSearchScope } from './search/pilots.ts';
export { PILOTS_SEARCH_TABLE } from './pg/pilots-search.ts';

/**
 * One page of pilots matching `params` within `scope`, and the total. Rows are keyed by
 * DiracX column names; datetimes are `Date`. Throws `InvalidInputError` for DiracX's 400s.
 */
export function searchPilots(
  s: Session,
  params: SearchQuery,
  page: number,
  perPage: number,
  scope?: PilotSearchScope,
): Promise<SearchPage> {
  return s.dialect === 'mysql'
    ? mysqlPilotsSearch.searchPilots(s.db, s.tables, params, page, perPage, scope)
    : pg.searchPilots(s.db, params, page, perPage, scope);
}

/** Pilot counts per `grouping` (every column when `[]`) within `scope`, each row with `count`. */
export function summarisePilots(s: Session, params: SummaryQuery, scope?: PilotSearchScope): Promise<SearchRow[]> {
  return s.dialect === 'mysql'
    ? mysqlPilotsSearch.summarisePilots(s.db, s.tables, params, scope)
    : pg.summarisePilots(s.db, params, scope);
}
