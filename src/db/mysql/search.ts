/**
 * @module db/mysql/search
 * The search engine's backend on MySQL/MariaDB (`../search/backend.ts`), spelled as SQLAlchemy
 * spells DiracX's queries there: regular expressions with `REGEXP` (checked by the server
 * itself: PCRE on MariaDB, ICU on MySQL), LIKE patterns as sent (a trailing backslash matches
 * itself), integer text by `CAST(... AS CHAR)`, bounds as naive UTC `DATETIME`s, as DiracX
 * stores its times, and a DISTINCT ordered by any column, as MariaDB allows. The SELECTs run on
 * the drizzle handle or transaction given.
 */
import { type Column, count, sql, type SQL } from 'drizzle-orm';
import type { MySqlColumn, MySqlTable } from 'drizzle-orm/mysql-core';
import type { SearchBackend, SearchDialect, SelectQuery } from '../search/backend.ts';
import type { MysqlDb, MysqlTx } from './database.ts';
import { isInvalidRegexError } from './errors.ts';

export const MYSQL_SEARCH_DIALECT: SearchDialect = {
  regexMatch: (target: Column | SQL, pattern: string): SQL => sql`${target} REGEXP ${pattern}`,
  likePattern: (pattern: string): string => pattern,
  asText: (column: Column): SQL => sql`CAST(${column} AS CHAR)`,
  utcInstant: (utc: string): SQL => sql`CAST(${utc} AS DATETIME)`,
  // MariaDB orders a DISTINCT by any column, as DiracX's queries there rely on; MySQL 8 refuses
  // such a query (a 500, as for DiracX on it).
  ordersDistinctByAnyColumn: true,
};

/** The search backend on `db` (the pool or an open transaction). */
export function mysqlSearch(db: MysqlDb | MysqlTx): SearchBackend<MySqlTable, MySqlColumn> {
  const query = (q: SelectQuery<MySqlTable, MySqlColumn>) => {
    const from = (q.distinct ? db.selectDistinct(q.fields) : db.select(q.fields)).from(q.table).where(q.where);
    let built = from.$dynamic();
    if (q.groupBy) built = built.groupBy(...q.groupBy);
    if (q.orderBy) built = built.orderBy(...q.orderBy);
    if (q.limit !== undefined) built = built.limit(q.limit).offset(q.offset ?? 0);
    return built;
  };
  return {
    dialect: MYSQL_SEARCH_DIALECT,
    // A failed statement does not abort a MySQL transaction, so no savepoint is needed.
    isValidRegex: async (pattern) => {
      try {
        await db.execute(sql`SELECT '' REGEXP ${pattern}`);
        return true;
      } catch (err) {
        if (isInvalidRegexError(err)) return false;
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
