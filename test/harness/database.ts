/**
 * Test databases: a migrated database per call, as fresh as a new one, on embedded PGlite by
 * default, on PostgreSQL when DATABASE_URL is set (a new database created next to the one the
 * URL names, dropped again by `dispose`), and on DiracX's MySQL/MariaDB databases when
 * `DIRACX_TEST_DATABASE=mariadb` (a set of migrated databases on the server of
 * `DIRACX_TEST_MYSQL_URL`, default root on 127.0.0.1:3306, reused once emptied:
 * `./mariadb-pool.ts`). Tests never skip for lack of PostgreSQL: PGlite is always there.
 * A test that reads or writes PostgreSQL's own tables takes the PostgreSQL handle with
 * `postgresOf` (and is PostgreSQL-only: see `POSTGRES_ONLY`).
 *
 * The core migrations run once, into a template, and every call clones it (extensions' migrations
 * stay with the caller, as before: `createTestApp` applies those it is given). On PGlite the
 * template is a dump of a migrated in-memory database, loaded by each new inline database (faster
 * than migrating, and than creating an empty one), and a disposed inline database is emptied and
 * given to the next call (`./pglite-pool.ts`: faster still); a worker database (statement timeout or
 * `thread: 'worker'`) still migrates its own. On PostgreSQL the template is a database named
 * after a hash of the migration files, built once under an advisory lock and shared by every run
 * and process that sees the same migrations; each call is `CREATE DATABASE ... TEMPLATE`. Nothing
 * ever connects to the template after it is built, so cloning it never meets a connected session.
 * See docs/testing.md.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { type PostgresDatabase, wrapDatabase } from '../../src/db/database.ts';
import type { MysqlDatabase } from '../../src/db/mysql/database.ts';
import { DEFAULT_MIGRATIONS_DIR, migrateDatabase } from '../../src/db/migrate.ts';
import { IN_MEMORY, openDatabase, openMigratedDatabase } from '../../src/db/open.ts';
import { schema } from '../../src/db/schema/index.ts';
import { PglitePool } from './pglite-pool.ts';

/** A test database of either dialect. */
export type AnyDatabase = PostgresDatabase | MysqlDatabase;

export interface TestDatabase {
  database: AnyDatabase;
  /**
   * Gives the database up: the handle stops working. PostgreSQL: closes the connections and drops
   * the database; inline PGlite: empties it for the next call (or closes it, see `pglite-pool.ts`).
   */
  dispose(): Promise<void>;
}

/** Which driver the test run uses, for test names and logs. */
export const TEST_DRIVER: 'pglite' | 'postgres' | 'mariadb' =
  Bun.env.DIRACX_TEST_DATABASE === 'mariadb' ? 'mariadb' : Bun.env.DATABASE_URL ? 'postgres' : 'pglite';

/**
 * Why a test is skipped on MariaDB: it reads or writes PostgreSQL's own schema (its MySQL
 * counterpart is checked against DiracX's own classes in `test/db/mysql/`). For `skipIf` titles.
 */
export const POSTGRES_ONLY = TEST_DRIVER === 'mariadb';

/** The PostgreSQL handle of a test database; throws on MariaDB (for tests of PostgreSQL's own tables). */
export function postgresOf(database: AnyDatabase): PostgresDatabase {
  if (database.driver === 'mysql') throw new Error('this test reads PostgreSQL tables: it does not run on MariaDB');
  return database;
}

/** A URL pointing at `dbName` on the server DATABASE_URL names. */
export function urlForDatabase(baseUrl: string, dbName: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

export interface TestDatabaseOptions {
  /**
   * The statement timeout of the requests (migrations run without it); none by default. On the
   * embedded database, setting it runs the database in its worker thread, as the server does.
   */
  statementTimeoutMs?: number;
  /**
   * Where the embedded database runs. Default: on the test's thread (fast to start, little
   * memory, one per test), except with a statement timeout; `worker`: in a worker thread, as
   * `bun run server` runs it (every test that starts the server process runs it so too). In a
   * test of a worker database, await a failure with `.catch((e) => e)`: Bun's
   * `expect(promise).rejects` stops the worker's messages from being delivered.
   */
  thread?: 'worker' | 'inline';
}

const migrate = (database: PostgresDatabase): Promise<void> => migrateDatabase(database);

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (TEST_DRIVER === 'mariadb') return mariadbTestDatabase(options);
  const baseUrl = Bun.env.DATABASE_URL;
  if (!baseUrl) {
    const thread = options.thread ?? (options.statementTimeoutMs === undefined ? 'inline' : 'worker');
    if (thread === 'inline') return cloneInlinePglite();
    const database = await openMigratedDatabase({ dataDir: IN_MEMORY, ...options, thread }, migrate);
    return { database, dispose: () => database.close() };
  }
  const template = await postgresTemplate(baseUrl);
  const dbName = `t_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${dbName}" TEMPLATE "${template}"`);
  } catch (err) {
    await admin.end();
    throw err;
  }
  // A clone of the template: already migrated.
  const url = urlForDatabase(baseUrl, dbName);
  const database = await openDatabase({ url, dataDir: IN_MEMORY, poolSize: 4, ...options });
  return {
    database,
    dispose: async () => {
      await database.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

// ---- MariaDB: DiracX's databases and our own, reused once emptied ----

async function mariadbTestDatabase(options: TestDatabaseOptions): Promise<TestDatabase> {
  if (options.statementTimeoutMs !== undefined) {
    const { createMysqlTestDatabase } = await import('./mariadb.ts');
    const fresh = await createMysqlTestDatabase({ statementTimeoutMs: options.statementTimeoutMs });
    return { database: fresh.database, dispose: () => fresh.dispose() };
  }
  const { acquireMariadb } = await import('./mariadb-pool.ts');
  const lease = await acquireMariadb();
  return { database: lease.database, dispose: () => lease.release() };
}

// ---- PGlite: one migrated dump per process, loaded by every inline database ----

let pgliteDump: Promise<Blob> | undefined;

function migratedPgliteDump(): Promise<Blob> {
  pgliteDump ??= (async () => {
    const client = new PGlite();
    await client.waitReady;
    try {
      await migrate(wrapDatabase('pglite', drizzle({ client, schema }), () => client.close()));
      return await client.dumpDataDir('none');
    } finally {
      await client.close();
    }
  })();
  // A failed build is not cached: the next call tries again and reports its own error.
  pgliteDump.catch(() => {
    pgliteDump = undefined;
  });
  return pgliteDump;
}

/** Inline clones, reused from test to test once emptied (`./pglite-pool.ts`). */
const inlinePglites = new PglitePool(async () => {
  const client = new PGlite({ loadDataDir: await migratedPgliteDump() });
  await client.waitReady;
  return client;
});

async function cloneInlinePglite(): Promise<TestDatabase> {
  const lease = await inlinePglites.acquire();
  const database = wrapDatabase('pglite', drizzle({ client: lease.handle, schema }), () => lease.handle.close());
  return { database, dispose: () => lease.release() };
}

// ---- PostgreSQL: one template database per set of migration files, shared across runs ----

let postgresTemplateName: Promise<string> | undefined;

/** A hash of the migration files (SQL and journal): a template serves only identical migrations. */
export function migrationsHash(): string {
  const hash = createHash('sha256');
  const files = [
    ...readdirSync(DEFAULT_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')),
    join('meta', '_journal.json'),
  ].sort();
  for (const file of files) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(DEFAULT_MIGRATIONS_DIR, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function postgresTemplate(baseUrl: string): Promise<string> {
  postgresTemplateName ??= buildPostgresTemplate(baseUrl);
  postgresTemplateName.catch(() => {
    postgresTemplateName = undefined;
  });
  return postgresTemplateName;
}

/**
 * Makes sure `tmpl_<hash>` exists, fully migrated: under a session advisory lock (held on the
 * base database, so concurrent runs wait for each other), an absent template is built under a
 * temporary name and renamed only once migrated and closed, so a template that exists is complete.
 */
async function buildPostgresTemplate(baseUrl: string): Promise<string> {
  const name = `tmpl_${migrationsHash()}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`SELECT pg_advisory_lock(hashtext('diracx-test-template'))`);
    const existing = await admin.unsafe(`SELECT 1 FROM pg_database WHERE datname = '${name}'`);
    if (existing.length === 0) {
      const building = `${name}_b${crypto.randomUUID().replaceAll('-', '').slice(0, 8)}`;
      await admin.unsafe(`CREATE DATABASE "${building}"`);
      try {
        const url = urlForDatabase(baseUrl, building);
        const database = await openMigratedDatabase({ url, dataDir: IN_MEMORY, poolSize: 1 }, migrate);
        await database.close();
        await admin.unsafe(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
      } catch (err) {
        await admin.unsafe(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
        throw err;
      }
    }
    return name;
  } finally {
    // Ending the session releases the advisory lock.
    await admin.end();
  }
}
