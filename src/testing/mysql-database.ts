/**
 * @module testing/mysql-database
 * The testing kit's MySQL/MariaDB databases, for an extension's tests of its MySQL side: a fresh
 * set on the server `DIRACX_TEST_MYSQL_URL` names (default `mysql://root@127.0.0.1:3306`) — our
 * own database and DiracX's seven, named `<label>_<random>_own` and `…_<Db>` — opened and
 * migrated as a server on MySQL migrates them (our tables, DiracX's created from their DDL), and
 * dropped by `dispose`. Pass it as `createDatabase` to `startExtensionTestServer`, which then
 * applies the extensions' MySQL migrations in our own database. `mysqlTestServerAvailability`
 * says whether the server answers, for tests that skip without one. Test-side only.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { MysqlDatabase, MysqlDatabaseNames } from '../db/mysql/database.ts';
import { migrateMysql } from '../db/mysql/migrate.ts';
import { openMysqlDatabase } from '../db/mysql/open.ts';
import { type DiracxSqlDatabase, SQL_DATABASES } from '../db/mysql/schema/index.ts';
import type { TestDatabase } from './database.ts';

/** The MySQL/MariaDB server the kit's MySQL databases are created on (no database in its path). */
export const TEST_MYSQL_SERVER_URL = Bun.env.DIRACX_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export type MysqlTestServerAvailability = { available: true } | { available: false; reason: string };

/** Whether the server answers (a connection and `SELECT 1` within 3 s); never throws. */
export async function mysqlTestServerAvailability(
  serverUrl: string = TEST_MYSQL_SERVER_URL,
): Promise<MysqlTestServerAvailability> {
  try {
    const connection = await mysql.createConnection({ uri: serverUrl, connectTimeout: 3000 });
    try {
      await connection.query('SELECT 1');
    } finally {
      await connection.end();
    }
    return { available: true };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { available: false, reason: `no MariaDB at ${serverUrl} (${why}; apt-get install mariadb-server)` };
  }
}

/** A MySQL test database set: the database the server is given, and where each part lives. */
export interface MysqlTestDatabase extends TestDatabase {
  readonly database: MysqlDatabase;
  readonly names: MysqlDatabaseNames;
  /** `mysql://…/<own>`: our own database's URL (`DIRACX_OWN_DB_URL`). */
  readonly url: string;
}

export interface MysqlTestDatabaseOptions {
  /** The server (default `TEST_MYSQL_SERVER_URL`). */
  serverUrl?: string;
  /** The first part of the databases' names (default `t`). */
  label?: string;
  /** Migrate the set (default true); false leaves every database empty. */
  migrate?: boolean;
  /** The served pool's statement timeout in milliseconds (default none). */
  statementTimeoutMs?: number;
  /** The port the pool connects to instead of the server's (a proxy in front of it). */
  port?: number;
}

/** `database` on the server `serverUrl` names, reached through `port` when given. */
function databaseUrl(serverUrl: string, database: string, port?: number): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (port !== undefined) url.port = String(port);
  return url.toString();
}

/** Creates, opens and (unless told not to) migrates a fresh set; `dispose` closes and drops it. */
export async function createMigratedMysqlTestDatabase(
  options: MysqlTestDatabaseOptions = {},
): Promise<MysqlTestDatabase> {
  const serverUrl = options.serverUrl ?? TEST_MYSQL_SERVER_URL;
  const prefix = `${options.label ?? 't'}_${randomBytes(4).toString('hex')}`;
  const diracx = Object.fromEntries(SQL_DATABASES.map((db) => [db, `${prefix}_${db}`])) as Record<
    DiracxSqlDatabase,
    string
  >;
  const names: MysqlDatabaseNames = { own: `${prefix}_own`, diracx };
  const all = [...Object.values(diracx), names.own];
  const admin = await mysql.createConnection({ uri: serverUrl });
  const drop = async (): Promise<void> => {
    try {
      for (const name of all) await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await admin.end();
    }
  };
  const url = databaseUrl(serverUrl, names.own, options.port);
  let database: MysqlDatabase | undefined;
  try {
    for (const name of all) await admin.query(`CREATE DATABASE \`${name}\``);
    database = await openMysqlDatabase({
      url,
      names,
      poolSize: 4,
      statementTimeoutMs: options.statementTimeoutMs ?? 0,
    });
    if (options.migrate !== false) await migrateMysql(database);
  } catch (err) {
    await database?.close();
    await drop();
    throw err;
  }
  const opened = database;
  return {
    database: opened,
    names,
    url,
    dispose: async () => {
      await opened.close();
      await drop();
    },
  };
}
