/**
 * MariaDB (or MySQL) for the tests of the second SQL dialect: the server `DIRACX_TEST_MYSQL_URL`
 * names (default `mysql://root@127.0.0.1:3306`, the machine's MariaDB), and throw-away sets of
 * databases on it, one per DiracX database, named `<prefix>_<Db>` and dropped afterwards. When the
 * server does not answer the tests skip with the reason in their name, unless
 * DIRACX_REQUIRE_MARIADB_TESTS=1 makes that a failure (CI).
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { SQL_DATABASES, type DiracxSqlDatabase } from '../../src/db/mysql/schema/index.ts';

export const MARIADB_TESTS_REQUIRED = Bun.env.DIRACX_REQUIRE_MARIADB_TESTS === '1';
export const MARIADB_SERVER_URL = Bun.env.DIRACX_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export type MariadbAvailability = { available: true } | { available: false; reason: string };

/** Whether the server answers (a connection and `SELECT 1` within 3 s). */
export async function mariadbAvailability(): Promise<MariadbAvailability> {
  try {
    const connection = await mysql.createConnection({ uri: MARIADB_SERVER_URL, connectTimeout: 3000 });
    try {
      await connection.query('SELECT 1');
    } finally {
      await connection.end();
    }
    return { available: true };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { available: false, reason: `no MariaDB at ${MARIADB_SERVER_URL} (${why}; apt-get install mariadb-server)` };
  }
}

/** One connection to the server, with no default database (statements name theirs). */
export function connectServer(): Promise<mysql.Connection> {
  return mysql.createConnection({ uri: MARIADB_SERVER_URL, multipleStatements: false });
}

/** A set of empty databases, one per DiracX database, and how to drop them. */
export interface DatabaseSet {
  readonly names: Readonly<Record<DiracxSqlDatabase, string>>;
  /** `mysql+aiomysql://…/<name>` for DiracX's `DIRACX_DB_URL_<DB>` (as DiracX writes them). */
  diracxUrl(database: DiracxSqlDatabase): string;
  drop(): Promise<void>;
}

/** Creates `<label>_<random>_<Db>` for every DiracX database. */
export async function createDatabaseSet(connection: mysql.Connection, label: string): Promise<DatabaseSet> {
  const prefix = `${label}_${randomBytes(4).toString('hex')}`;
  const names = Object.fromEntries(SQL_DATABASES.map((db) => [db, `${prefix}_${db}`])) as Record<
    DiracxSqlDatabase,
    string
  >;
  for (const name of Object.values(names)) await connection.query(`CREATE DATABASE \`${name}\``);
  const server = new URL(MARIADB_SERVER_URL);
  return {
    names,
    diracxUrl: (database) => {
      const url = new URL(server);
      url.protocol = 'mysql+aiomysql:';
      url.pathname = `/${names[database]}`;
      return url.toString();
    },
    drop: async () => {
      for (const name of Object.values(names)) await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}
