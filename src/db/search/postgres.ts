/**
 * @module db/search/postgres
 * The search engine's backend on PostgreSQL and PGlite (`./backend.ts`): regular expressions
 * with `~` (POSIX ARE, checked by PostgreSQL itself inside a savepoint), LIKE patterns that may
 * not end in a lone escape character, integer text by `cast(... as text)`, and bounds as
 * `timestamptz`. The SELECTs run on the drizzle handle or transaction given.
 */
import { type Column, count, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../database.ts';
import { driverErrorCode } from '../driver-errors.ts';
import type { SearchBackend, SearchDialect, SelectQuery } from './backend.ts';

/** PostgreSQL's SQLSTATE for an invalid regular expression. */
const INVALID_REGULAR_EXPRESSION = '2201B';

export const POSTGRES_SEARCH_DIALECT: SearchDialect = {
  regexMatch: (target: Column | SQL, pattern: string): SQL => sql`${target} ~ ${pattern}`,
  /**
   * A pattern that ends in a lone escape character (`abc\`) is an error on PostgreSQL (a 500),
   * while MySQL matches that backslash literally; so double it.
   */
  likePattern: (pattern: string): string => {
    const trailing = pattern.length - pattern.replace(/\\+$/, '').length;
    return trailing % 2 === 1 ? `${pattern}\\` : pattern;
  },
  asText: (column: Column): SQL => sql`cast(${column} as text)`,
  utcInstant: (utc: string): SQL => sql`cast(${`${utc}+00`} as timestamptz)`,
  ordersDistinctByAnyColumn: false,
};

/** The search backend on `db` (the database or an open transaction). */
export function postgresSearch(db: Db | Tx): SearchBackend<PgTable, PgColumn> {
  const query = (q: SelectQuery<PgTable, PgColumn>) => {
    const from = (q.distinct ? db.selectDistinct(q.fields) : db.select(q.fields)).from(q.table).where(q.where);
    let built = from.$dynamic();
    if (q.groupBy) built = built.groupBy(...q.groupBy);
    if (q.orderBy) built = built.orderBy(...q.orderBy);
    if (q.limit !== undefined) built = built.limit(q.limit).offset(q.offset ?? 0);
    return built;
  };
  return {
    dialect: POSTGRES_SEARCH_DIALECT,
    // Compiled inside a savepoint (or its own transaction), so a refusal leaves the caller's usable.
    isValidRegex: async (pattern) => {
      try {
        await db.transaction(async (sp) => {
          await sp.execute(sql`select '' ~ ${pattern}`);
        });
        return true;
      } catch (err) {
        if (driverErrorCode(err, (code) => code === INVALID_REGULAR_EXPRESSION)) return false;
        throw err;
      }
    },
    select: (q) => query(q),
    count: async (q) => {
      const [counted] = q.distinct
        ? await db.select({ n: count() }).from(query(q).as('matching'))
        : await db.select({ n: count() }).from(q.table).where(q.where);
      return Number(counted?.n ?? 0);
    },
  };
}
