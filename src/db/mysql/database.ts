/**
 * @module db/mysql/database
 * The MySQL/MariaDB database as the data layer sees it: one drizzle handle over one mysql2 pool
 * that reaches our own database and DiracX's seven, whose tables (`tables`) are qualified by the
 * database names read from the URLs at start. Transactions, raw queries and pings translate driver
 * errors as on PostgreSQL (`../driver-errors.ts`). Web-standard: the driver is opened by
 * `./open.ts` in the server process.
 */
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import type { MySql2Database, MySql2Transaction } from 'drizzle-orm/mysql2';
import { type Database, guardDriverErrors, pingWithin } from '../database.ts';
import type { MysqlSession } from '../session.ts';
import { type DiracxDatabaseNames, type DiracxTables, diracxTables } from './schema/index.ts';
import { ownTablesIn } from './schema/own.ts';

/** Where everything lives: our own database and each DiracX database's. */
export interface MysqlDatabaseNames {
  readonly own: string;
  readonly diracx: DiracxDatabaseNames;
}

export type MysqlTables = DiracxTables & ReturnType<typeof ownTablesIn>;

/** Every table, qualified by the database that holds it. */
export function mysqlTables(names: MysqlDatabaseNames): MysqlTables {
  return { ...diracxTables(names.diracx), ...ownTablesIn(names.own) };
}

export type MysqlDb = MySql2Database<Record<string, never>>;
export type MysqlTx = MySql2Transaction<Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;

export interface MysqlDatabase extends Database {
  readonly driver: 'mysql';
  readonly names: MysqlDatabaseNames;
  readonly tables: MysqlTables;
  readonly session: MysqlSession;
  /** Raw drizzle handle; prefer `transaction`, which maps a lost connection to `UnavailableError`. */
  readonly db: MysqlDb;
  transaction<T>(fn: (tx: MysqlSession) => Promise<T>): Promise<T>;
  /** Runs one raw SQL statement and returns its rows. */
  query<T extends Record<string, unknown>>(statement: SQL): Promise<T[]>;
}

/** Whether `database` is DiracX's MySQL/MariaDB databases (with our own beside them). */
export function isMysqlDatabase(database: Database): database is MysqlDatabase {
  return database.driver === 'mysql';
}

/** The rows of mysql2's `[rows, fields]` answer to a statement that returns rows. */
function rowsOf<T>(result: unknown): T[] {
  const first = Array.isArray(result) ? result[0] : result;
  return (Array.isArray(first) ? first : []) as T[];
}

export function wrapMysqlDatabase(db: MysqlDb, names: MysqlDatabaseNames, close: () => Promise<void>): MysqlDatabase {
  const tables = mysqlTables(names);
  return {
    driver: 'mysql',
    names,
    tables,
    db,
    session: { dialect: 'mysql', db, tables, ownDatabase: names.own },
    transaction: (fn) =>
      guardDriverErrors(() => db.transaction((tx) => fn({ dialect: 'mysql', db: tx, tables, ownDatabase: names.own }))),
    query: async <T extends Record<string, unknown>>(statement: SQL): Promise<T[]> =>
      rowsOf<T>(await guardDriverErrors(() => db.execute(statement))),
    ping: () => pingWithin(() => db.execute('SELECT 1')),
    close,
  };
}
