/**
 * @module db/search/run
 * Runs a search or a summary over any `SearchTable` (DiracX's `BaseSQLDB._search` and
 * `_summary`): chosen columns, the caller's scope AND-ed with the user's filters (so no filter
 * can widen the scope), ordering, DISTINCT, a total `COUNT(*)` over the filtered (+distinct)
 * rows, then OFFSET/LIMIT paging. Every input error is an `InvalidInputError` raised before the
 * query runs. Table-agnostic: jobs today, pilots tomorrow.
 */
import { and, asc, count, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { driverErrorCode } from '../driver-errors.ts';
import { chooseColumns, decodeRow, findColumn, selection } from './columns.ts';
import { buildFilters, type RegexValidator } from './filters.ts';
import { buildOrdering, pageOffset, type Paging } from './sort.ts';
import type { ScopeConditions, SearchQuery, SearchRow, SearchTable, SummaryQuery } from './types.ts';

/** Either the database or an open transaction. */
type Handle = Db | Tx;

export interface SearchPage {
  rows: SearchRow[];
  /** Rows matching the filters (after DISTINCT), whatever the page. */
  total: number;
}

/** PostgreSQL's SQLSTATE for an invalid regular expression. */
const INVALID_REGULAR_EXPRESSION = '2201B';

/**
 * Asks PostgreSQL to compile the pattern, inside a savepoint (or its own transaction) so that
 * a refusal does not abort the caller's transaction.
 */
export function databaseRegexValidator(db: Handle): RegexValidator {
  return async (pattern) => {
    try {
      await db.transaction(async (sp) => {
        await sp.execute(sql`select '' ~ ${pattern}`);
      });
      return true;
    } catch (err) {
      if (driverErrorCode(err, (code) => code === INVALID_REGULAR_EXPRESSION)) return false;
      throw err;
    }
  };
}

/**
 * One page of a search and the total. Errors are checked in DiracX's order: parameters,
 * filters, sort. `scope` conditions are always AND-ed in.
 */
export async function runSearch(
  db: Handle,
  table: SearchTable,
  query: SearchQuery,
  paging: Paging,
  scope: ScopeConditions = [],
): Promise<SearchPage> {
  const offset = pageOffset(paging);
  const names = chooseColumns(table, query.parameters);
  const filters = await buildFilters(table, query.search, databaseRegexValidator(db));
  const ordering = buildOrdering(table, query.sort, names, query.distinct);
  const where = and(...scope, ...filters);
  const fields = selection(table, names);

  const base = (query.distinct ? db.selectDistinct(fields) : db.select(fields)).from(table.table).where(where);
  const [counted] = query.distinct
    ? await db.select({ n: count() }).from(base.as('matching'))
    : await db.select({ n: count() }).from(table.table).where(where);
  const total = Number(counted?.n ?? 0);

  if (offset >= total) return { rows: [], total };
  const rows: Record<string, unknown>[] = await base
    .orderBy(...ordering)
    .limit(paging.perPage)
    .offset(offset);
  return { rows: rows.map((row) => decodeRow(table, names, row)), total };
}

/** Alias of the count in the summary query, out of the way of any column's wire name. */
const COUNT_FIELD = '__count';

/**
 * Counts the rows per group of `grouping` columns (every column when `[]`), keyed by wire
 * name plus `count`; empty groups are dropped, as DiracX does. Ordered by the grouping columns
 * (DiracX promises no order; a fixed one costs little on a summary).
 */
export async function runSummary(
  db: Handle,
  table: SearchTable,
  query: SummaryQuery,
  scope: ScopeConditions = [],
): Promise<SearchRow[]> {
  const names = chooseColumns(table, query.grouping);
  const filters = await buildFilters(table, query.search, databaseRegexValidator(db));
  const key = findColumn(table, table.key);
  if (!key) throw new TypeError(`Search table key ${table.key} is not one of its columns`);
  const columns = Object.values(selection(table, names));
  const grouped: SQL[] = columns.map((c) => asc(c));
  const rows: Record<string, unknown>[] = await db
    .select({ ...selection(table, names), [COUNT_FIELD]: count(key.column) })
    .from(table.table)
    .where(and(...scope, ...filters))
    .groupBy(...columns)
    .orderBy(...grouped);
  return rows
    .filter((row) => Number(row[COUNT_FIELD]) > 0)
    .map((row) => ({ ...decodeRow(table, names, row), count: Number(row[COUNT_FIELD]) }));
}
