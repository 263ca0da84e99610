/**
 * @module db/search/run
 * Runs a search or a summary over any `SearchTable` (DiracX's `BaseSQLDB._search` and
 * `_summary`) on any dialect's `SearchBackend`: chosen columns, the caller's scope AND-ed with
 * the user's filters (so no filter can widen the scope), ordering, DISTINCT, a total
 * `COUNT(*)` over the filtered (+distinct) rows, then OFFSET/LIMIT paging. Every input error is
 * an `InvalidInputError` raised before the query runs. Table- and dialect-agnostic.
 */
import { and, asc, type Column, count, type SQL, type Table } from 'drizzle-orm';
import type { SearchBackend } from './backend.ts';
import { chooseColumns, decodeRow, findColumn, selection } from './columns.ts';
import { buildFilters } from './filters.ts';
import { buildOrdering, pageOffset, type Paging } from './sort.ts';
import type { ScopeConditions, SearchQuery, SearchRow, SearchTable, SummaryQuery } from './types.ts';

export interface SearchPage {
  rows: SearchRow[];
  /** Rows matching the filters (after DISTINCT), whatever the page. */
  total: number;
}

/**
 * One page of a search and the total. Errors are checked in DiracX's order: parameters,
 * filters, sort. `scope` conditions are always AND-ed in.
 */
export async function runSearch<T extends Table, C extends Column>(
  backend: SearchBackend<T, C>,
  table: SearchTable<T, C>,
  query: SearchQuery,
  paging: Paging,
  scope: ScopeConditions = [],
): Promise<SearchPage> {
  const offset = pageOffset(paging);
  const names = chooseColumns(table, query.parameters);
  const filters = await buildFilters(table, query.search, backend);
  const distinct = query.distinct ? { byAnyColumn: backend.dialect.ordersDistinctByAnyColumn } : undefined;
  const orderBy = buildOrdering(table, query.sort, names, distinct);
  const base = {
    table: table.table,
    fields: selection(table, names),
    distinct: query.distinct,
    where: and(...scope, ...filters),
  };
  const total = await backend.count(base);
  if (offset >= total) return { rows: [], total };
  const rows = await backend.select({ ...base, orderBy, limit: paging.perPage, offset });
  return { rows: rows.map((row) => decodeRow(table, names, row)), total };
}

/** Alias of the count in the summary query, out of the way of any column's wire name. */
const COUNT_FIELD = '__count';

/**
 * Counts the rows per group of `grouping` columns (every column when `[]`), keyed by wire
 * name plus `count`; empty groups are dropped, as DiracX does. Ordered by the grouping columns
 * (DiracX promises no order; a fixed one costs little on a summary).
 */
export async function runSummary<T extends Table, C extends Column>(
  backend: SearchBackend<T, C>,
  table: SearchTable<T, C>,
  query: SummaryQuery,
  scope: ScopeConditions = [],
): Promise<SearchRow[]> {
  const names = chooseColumns(table, query.grouping);
  const filters = await buildFilters(table, query.search, backend);
  const key = findColumn(table, table.key);
  if (!key) throw new TypeError(`Search table key ${table.key} is not one of its columns`);
  const fields = selection(table, names);
  const columns = Object.values(fields);
  const grouped: SQL[] = columns.map((c) => asc(c));
  const rows = await backend.select({
    table: table.table,
    fields: { ...fields, [COUNT_FIELD]: count(key.column) },
    where: and(...scope, ...filters),
    groupBy: columns,
    orderBy: grouped,
  });
  return rows
    .filter((row) => Number(row[COUNT_FIELD]) > 0)
    .map((row) => ({ ...decodeRow(table, names, row), count: Number(row[COUNT_FIELD]) }));
}
