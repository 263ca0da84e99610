/**
 * @module db/search/backend
 * What the search engine needs of a SQL dialect, so that one engine serves PostgreSQL/PGlite
 * (`./postgres.ts`) and MySQL/MariaDB (`../mysql/search.ts`): the few SQL spellings that differ
 * (`SearchDialect`), whether the database accepts a regular expression, and running the SELECTs
 * the engine builds on the dialect's own drizzle handle (`SearchBackend`). Everything else (which
 * columns, which conditions, which order, which errors) is the engine's, the same on both.
 */
import type { Column, SQL, Table } from 'drizzle-orm';

/** The SQL spellings that differ between dialects. */
export interface SearchDialect {
  /** `target` matches the regular expression `pattern` anywhere (PostgreSQL `~`, MySQL `REGEXP`). */
  regexMatch(target: Column | SQL, pattern: string): SQL;
  /** The LIKE pattern bound for the user's pattern (wildcards as sent, the dialect's escaping). */
  likePattern(pattern: string): string;
  /** An integer column's decimal text, which `like` and `regex` apply to. */
  asText(column: Column): SQL;
  /** Whether a SELECT DISTINCT may be ordered by columns it does not select (MariaDB: yes). */
  readonly ordersDistinctByAnyColumn: boolean;
  /** The instant of `utc` (`YYYY-MM-DD HH:MM:SS`, UTC), comparable with the datetime columns. */
  utcInstant(utc: string): SQL;
}

/** One SELECT of the engine: `fields` keyed by wire name (or an alias), the rest optional. */
export interface SelectQuery<T extends Table, C extends Column> {
  readonly table: T;
  readonly fields: Readonly<Record<string, C | SQL>>;
  readonly distinct?: boolean;
  readonly where?: SQL;
  readonly groupBy?: readonly C[];
  readonly orderBy?: readonly SQL[];
  readonly limit?: number;
  readonly offset?: number;
}

/** What building conditions needs of the database: its SQL spellings and its regex syntax. */
export interface FilterContext {
  readonly dialect: SearchDialect;
  /**
   * Whether the database accepts `pattern` as a regular expression: asked of the database itself,
   * since its syntax (PostgreSQL's ARE, MariaDB's PCRE, MySQL's ICU) is neither JavaScript's nor
   * Python's, and only it can say what it will run. Must leave the caller's transaction usable.
   */
  isValidRegex(pattern: string): Promise<boolean>;
}

/** A dialect bound to one database handle (or transaction). */
export interface SearchBackend<T extends Table, C extends Column> extends FilterContext {
  /** The rows of `query`, as the driver maps them through the columns. */
  select(query: SelectQuery<T, C>): Promise<Record<string, unknown>[]>;
  /** `COUNT(*)` of the rows `query` selects (after DISTINCT: over the distinct rows as a subquery). */
  count(query: SelectQuery<T, C>): Promise<number>;
}
