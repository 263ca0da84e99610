/**
 * MariaDB (or MySQL) for the tests of the second SQL dialect: the server `DIRACX_TEST_MYSQL_URL`
 * names (default `mysql://root@127.0.0.1:3306`, the machine's MariaDB), and throw-away sets of
 * databases on it, one per DiracX database, named `<prefix>_<Db>` and dropped afterwards. When the
 * server does not answer the tests skip with the reason in their name, unless
 * DIRACX_REQUIRE_MARIADB_TESTS=1 makes that a failure (CI). The server URL, its probe and the
 * migrated set are the extension testing kit's (`src/testing/mysql-database.ts`); this adds
 * DiracX's side (its URLs, its Python scripts).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'bun:test';
import mysql from 'mysql2/promise';
import type { MysqlDatabase } from '../../src/db/mysql/database.ts';
import {
  createMigratedMysqlTestDatabase,
  type MysqlTestServerAvailability,
  mysqlTestServerAvailability,
  TEST_MYSQL_SERVER_URL,
} from '../../src/testing/mysql-database.ts';
import {
  cleanPythonEnv,
  DIRACX_CLIENT_TESTS_REQUIRED,
  type DiracxAvailability,
  diracxAvailability,
} from '../interop/diracx-python.ts';
import {
  PythonCallError,
  type PythonServer,
  PythonServerDiedError,
  sharedPythonServer,
  stopPythonServers,
} from './python-server.ts';
import { SQL_DATABASES, type DiracxSqlDatabase } from '../../src/db/mysql/schema/index.ts';
import { DB_URL_SETTINGS } from '../../src/mysql-settings.ts';

export const MARIADB_TESTS_REQUIRED = Bun.env.DIRACX_REQUIRE_MARIADB_TESTS === '1';
export const MARIADB_SERVER_URL = TEST_MYSQL_SERVER_URL;

export type MariadbAvailability = MysqlTestServerAvailability;

/** Whether the server answers (a connection and `SELECT 1` within 3 s): the testing kit's probe. */
export const mariadbAvailability = (): Promise<MariadbAvailability> => mysqlTestServerAvailability();

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

/** `mysql+aiomysql://…/<name>` of each DiracX database of `names` (as DiracX writes them). */
function diracxUrls(names: Readonly<Record<DiracxSqlDatabase, string>>): DatabaseSet['diracxUrl'] {
  return (database) => {
    const url = new URL(MARIADB_SERVER_URL);
    url.protocol = 'mysql+aiomysql:';
    url.pathname = `/${names[database]}`;
    return url.toString();
  };
}

/** Creates `<label>_<random>_<Db>` for every DiracX database. */
export async function createDatabaseSet(connection: mysql.Connection, label: string): Promise<DatabaseSet> {
  const prefix = `${label}_${randomBytes(4).toString('hex')}`;
  const names = Object.fromEntries(SQL_DATABASES.map((db) => [db, `${prefix}_${db}`])) as Record<
    DiracxSqlDatabase,
    string
  >;
  for (const name of Object.values(names)) await connection.query(`CREATE DATABASE \`${name}\``);
  return {
    names,
    diracxUrl: diracxUrls(names),
    drop: async () => {
      for (const name of Object.values(names)) await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

/** Our own database and a DiracX database set, opened and migrated, for the data layer's tests. */
export interface MysqlTestDatabase {
  readonly database: MysqlDatabase;
  readonly set: Pick<DatabaseSet, 'names' | 'diracxUrl'>;
  readonly own: string;
  /** `mysql://…/<own>`: the `DATABASE_URL` of this set. */
  readonly url: string;
  dispose(): Promise<void>;
}

/** The server URL with `database` as its path. */
export function serverUrl(database: string, port?: number): string {
  const url = new URL(MARIADB_SERVER_URL);
  url.pathname = `/${database}`;
  if (port !== undefined) url.port = String(port);
  return url.toString();
}

/** The server's MySQL settings for a database set, with `own` as our database (as a deployment writes them). */
export function mysqlServerEnv(set: Pick<DatabaseSet, 'names'>, own: string): Record<string, string> {
  const env: Record<string, string> = { DIRACX_OWN_DB_URL: serverUrl(own) };
  for (const db of SQL_DATABASES)
    env[DB_URL_SETTINGS[db]] = serverUrl(set.names[db]).replace('mysql:', 'mysql+aiomysql:');
  return env;
}

/**
 * Creates a fresh set (our database and DiracX's seven, empty), opens it and, unless told not to,
 * migrates it (our tables, and DiracX's created from the generated DDL): the testing kit's
 * `createMigratedMysqlTestDatabase`, with the set's DiracX URLs for DiracX's side of a test.
 */
export async function createMysqlTestDatabase(
  options: { migrate?: boolean; statementTimeoutMs?: number; port?: number; label?: string } = {},
): Promise<MysqlTestDatabase> {
  const t = await createMigratedMysqlTestDatabase({ ...options, serverUrl: MARIADB_SERVER_URL });
  const { diracx } = t.names;
  return {
    database: t.database,
    set: { names: diracx, diracxUrl: diracxUrls(diracx) },
    own: t.names.own,
    url: t.url,
    dispose: () => t.dispose(),
  };
}

/**
 * `describe(title, body)` on a fresh migrated set (`createMysqlTestDatabase`, made in a
 * `beforeAll`, disposed in an `afterAll`): `body` gets a view of it, usable inside its tests and
 * hooks. When MariaDB does not answer, one skipped test with the reason in its name instead,
 * unless DIRACX_REQUIRE_MARIADB_TESTS=1: then the `beforeAll` fails with the reason.
 */
export async function describeOnMariadb(title: string, body: (t: MysqlTestDatabase) => void): Promise<void> {
  const mariadb = await mariadbAvailability();
  if (!mariadb.available && !MARIADB_TESTS_REQUIRED) {
    describe(title, () => {
      const why = `${mariadb.reason}; DIRACX_REQUIRE_MARIADB_TESTS=1 fails instead`;
      it.skip(`needs MariaDB (skipped: ${why})`, () => {});
    });
    return;
  }
  describe(title, () => {
    let current: MysqlTestDatabase | undefined;
    const t = (): MysqlTestDatabase => {
      if (current === undefined) throw new Error(`${title}: the MariaDB test database is not created yet`);
      return current;
    };
    beforeAll(async () => {
      if (!mariadb.available) throw new Error(`DIRACX_REQUIRE_MARIADB_TESTS=1 but ${mariadb.reason}`);
      current = await createMysqlTestDatabase();
    }, 60_000);
    afterAll(() => current?.dispose());
    body({
      get database() {
        return t().database;
      },
      get set() {
        return t().set;
      },
      get own() {
        return t().own;
      },
      get url() {
        return t().url;
      },
      dispose: () => t().dispose(),
    });
  });
}

/** What the scripts of `callDiracxScript` import: DiracX's database package and its MySQL driver. */
const DIRACX_DB_MODULES = ['aiomysql', 'diracx.db.sql'];

let dbAvailability: DiracxAvailability | undefined;

/**
 * DiracX 0.7.0's venv, when it also imports DiracX's database package and its MySQL driver
 * (aiomysql); probed once per test process.
 */
export function diracxDbAvailability(): DiracxAvailability {
  dbAvailability ??= probeDiracxDb();
  return dbAvailability;
}

function probeDiracxDb(): DiracxAvailability {
  const client = diracxAvailability();
  if (!client.available) return client;
  const probe = Bun.spawnSync({
    cmd: [client.python, '-c', `import ${DIRACX_DB_MODULES.join(', ')}`],
    stderr: 'ignore',
  });
  if (probe.exitCode === 0) return client;
  return { available: false, reason: `${client.python} lacks aiomysql (pip install aiomysql into it)` };
}

/** Whether the tests beside DiracX's own database classes on MariaDB run here. */
export interface DiracxOnMariadb {
  /** Why they are skipped: '' when they run (also when CI requires what is missing: they fail then). */
  readonly skipReason: string;
  /** DiracX's python, for a `beforeAll`; throws saying what is missing when CI requires it. */
  requirePython(): string;
  /**
   * `requirePython()`, and the Python process of `callDiracxScript` started, importing DiracX
   * while the `beforeAll` goes on (the file's `afterAll` ends it with `stopDiracxScripts`).
   */
  startDiracxScripts(): string;
}

/**
 * MariaDB and DiracX 0.7.0's database package together, for the tests that check each side reads
 * what the other wrote: skipped with the reasons when either is missing, unless
 * DIRACX_REQUIRE_MARIADB_TESTS / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS make that a failure.
 */
export async function diracxOnMariadb(): Promise<DiracxOnMariadb> {
  const mariadb = await mariadbAvailability();
  const diracx = diracxDbAvailability();
  const skipReason = [
    !mariadb.available && !MARIADB_TESTS_REQUIRED
      ? `${mariadb.reason}; DIRACX_REQUIRE_MARIADB_TESTS=1 fails instead`
      : '',
    !diracx.available && !DIRACX_CLIENT_TESTS_REQUIRED
      ? `${diracx.reason}; DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1 fails instead`
      : '',
  ]
    .filter((reason) => reason !== '')
    .join('; ');
  const requirePython = (): string => {
    if (!mariadb.available) throw new Error(`DIRACX_REQUIRE_MARIADB_TESTS=1 but ${mariadb.reason}`);
    if (!diracx.available) throw new Error(`DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1 but ${diracx.reason}`);
    return diracx.python;
  };
  return {
    skipReason,
    requirePython,
    startDiracxScripts(): string {
      const python = requirePython();
      diracxScripts(python);
      return python;
    },
  };
}

/**
 * Runs `script` (a test's Python side, which calls DiracX's own database class) with DiracX's
 * python on the database `url` names, and returns the JSON it prints; a failure throws with the
 * script's traceback and last words, naming `what` (the DiracX database). The scripts run one
 * after another in one Python process per test file (./python-server.ts: DiracX imported once),
 * each as `python script request` would run it, so each call still opens its own DiracX
 * database object and engine; `stopDiracxScripts` in the file's `afterAll` ends that process.
 */
export async function callDiracxScript(
  python: string,
  script: string,
  url: string,
  request: Record<string, unknown>,
  what: string,
): Promise<unknown> {
  try {
    const run = await diracxScripts(python).runScript(script, [JSON.stringify({ url, ...request })]);
    return JSON.parse(run.stdout);
  } catch (err) {
    if (err instanceof PythonCallError || err instanceof PythonServerDiedError) {
      throw new Error(`DiracX's ${what} failed: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/** The Python process of `callDiracxScript` (DiracX's database package imported as it starts). */
function diracxScripts(python: string): PythonServer {
  return sharedPythonServer(python, cleanPythonEnv({}), DIRACX_DB_MODULES);
}

/** Ends the Python process `callDiracxScript` started, for the test file's `afterAll`. */
export const stopDiracxScripts: () => Promise<void> = stopPythonServers;

/**
 * The definitions of every table of `databases` as information_schema gives them (tables,
 * columns, indexes, foreign keys, check constraints, triggers), without what writing rows
 * changes (row counts, AUTO_INCREMENT, times): equal before and after means nothing altered them.
 */
export async function schemaSnapshot(
  connection: mysql.Connection,
  databases: readonly string[],
): Promise<Record<string, unknown[]>> {
  const queries: Record<string, string> = {
    tables:
      'SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS, TABLE_COMMENT ' +
      'FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME',
    columns:
      'SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, COLUMN_TYPE, ' +
      'CHARACTER_SET_NAME, COLLATION_NAME, COLUMN_KEY, EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS ' +
      'WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION',
    indexes:
      'SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, SUB_PART, INDEX_TYPE ' +
      'FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (?) ' +
      'ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX',
    foreignKeys:
      'SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, ' +
      'k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE ' +
      'FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ' +
      'ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME ' +
      'WHERE k.TABLE_SCHEMA IN (?) ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION',
    checks:
      'SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS ' +
      'WHERE CONSTRAINT_SCHEMA IN (?) ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME',
    triggers:
      'SELECT TRIGGER_SCHEMA, TRIGGER_NAME, EVENT_OBJECT_TABLE, EVENT_MANIPULATION, ACTION_TIMING ' +
      'FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (?) ORDER BY TRIGGER_SCHEMA, TRIGGER_NAME',
  };
  const snapshot: Record<string, unknown[]> = {};
  for (const [kind, query] of Object.entries(queries)) {
    const [rows] = await connection.query(query, [databases]);
    snapshot[kind] = rows as unknown[];
  }
  return snapshot;
}
