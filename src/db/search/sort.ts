/**
 * @module db/search/sort
 * The ORDER BY and OFFSET/LIMIT of a search (DiracX's `apply_sort_constraints` and the paging
 * of `_search`): the requested keys in order, then a tie-break so that pages are deterministic
 * (DiracX leaves ties to the database, which on PostgreSQL makes OFFSET paging skip or repeat
 * rows): the primary key, or for a `distinct` search every selected column, since PostgreSQL
 * only orders a DISTINCT by selected columns.
 */
import { asc, desc, type SQL } from 'drizzle-orm';
import { findColumn } from './columns.ts';
import { distinctSortColumn, invalidPage, invalidPerPage, unknownSortColumn } from './messages.ts';
import type { SearchTable, SortSpec } from './types.ts';

export interface Paging {
  /** 1-based page number. */
  page: number;
  perPage: number;
}

/**
 * Builds the ordering. Unknown keys are DiracX's `Cannot sort by <p>: unknown column`. In a
 * `distinct` search (`distinct` set), a key outside the selected columns is refused too unless
 * the dialect orders a DISTINCT by any column (`distinct.byAnyColumn`: MariaDB does, so DiracX
 * answers there; PostgreSQL and MySQL 8 reject that query, which DiracX lets fail with a 500).
 */
export function buildOrdering(
  table: SearchTable,
  sorts: readonly SortSpec[],
  selected: readonly string[],
  distinct: { byAnyColumn: boolean } | undefined,
): SQL[] {
  const ordering: SQL[] = [];
  const used = new Set<string>();
  for (const { parameter, direction } of sorts) {
    const spec = findColumn(table, parameter);
    if (!spec) throw unknownSortColumn(parameter);
    if (distinct && !distinct.byAnyColumn && !selected.includes(parameter)) throw distinctSortColumn(parameter);
    if (used.has(parameter)) continue; // a repeated key cannot change the order
    used.add(parameter);
    ordering.push(direction === 'desc' ? desc(spec.column) : asc(spec.column));
  }
  const tieBreak = distinct ? selected : [table.key];
  for (const name of tieBreak) {
    const spec = findColumn(table, name);
    if (spec && !used.has(name)) ordering.push(asc(spec.column));
  }
  return ordering;
}

/**
 * The OFFSET of a page, after DiracX's checks (`Page must be a positive integer`, `Per page
 * must be a positive integer`); the route's 422 for these normally comes first.
 */
export function pageOffset({ page, perPage }: Paging): number {
  if (!Number.isSafeInteger(page) || page < 1) throw invalidPage();
  if (!Number.isSafeInteger(perPage) || perPage < 1) throw invalidPerPage();
  return (page - 1) * perPage;
}
