/**
 * Test databases: a fresh, migrated database per call, on embedded PGlite by default and on
 * PostgreSQL when DATABASE_URL is set (a new database created next to the one the URL names,
 * dropped again by `dispose`). Tests never skip for lack of PostgreSQL: PGlite is always there.
 */
import postgres from 'postgres';
import type { Database } from '../../src/db/database.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { IN_MEMORY, openMigratedDatabase } from '../../src/db/open.ts';

export interface TestDatabase {
  database: Database;
  /** Closes the connection and drops the per-test database. */
  dispose(): Promise<void>;
}

/** Which driver the test run uses, for test names and logs. */
export const TEST_DRIVER = Bun.env.DATABASE_URL ? 'postgres' : 'pglite';

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

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const baseUrl = Bun.env.DATABASE_URL;
  const migrate = (database: Database): Promise<void> => migrateDatabase(database);
  if (!baseUrl) {
    const thread = options.thread ?? (options.statementTimeoutMs === undefined ? 'inline' : 'worker');
    const database = await openMigratedDatabase({ dataDir: IN_MEMORY, ...options, thread }, migrate);
    return { database, dispose: () => database.close() };
  }
  const dbName = `t_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  const database = await openMigratedDatabase({ url: urlForDatabase(baseUrl, dbName), dataDir: IN_MEMORY, poolSize: 4, ...options }, migrate);
  return {
    database,
    dispose: async () => {
      await database.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
