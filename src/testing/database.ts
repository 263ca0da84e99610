/**
 * @module testing/database
 * Where the testing kit's databases come from: a `TestDatabaseFactory` gives a fresh database
 * with the core's migrations applied (the kit applies the extensions' own on top). The default,
 * `createMigratedTestDatabase`, is the simplest that is correct: an embedded in-memory PGlite,
 * migrated, or, when `DATABASE_URL` is set, a new database next to the one it names, migrated and
 * dropped again by `dispose`. It migrates on every call; a suite that wants speed passes a
 * factory of its own (this repository's harness clones a migrated template,
 * `test/harness/database.ts`). Test-side only: nothing under `src/` outside `src/testing/` imports it.
 */
import postgres from 'postgres';
import type { PostgresDatabase } from '../db/database.ts';
import type { MysqlDatabase } from '../db/mysql/database.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { IN_MEMORY, openMigratedDatabase } from '../db/open.ts';

/** A test database: PostgreSQL (or PGlite), or DiracX's MySQL/MariaDB databases with our own. */
export type TestableDatabase = PostgresDatabase | MysqlDatabase;

/** A database for one test (or one test file), and how to get rid of it. */
export interface TestDatabase {
  database: TestableDatabase;
  /** Closes the connection and drops what was created for it. */
  dispose(): Promise<void>;
}

/** Gives a fresh database with the core's migrations applied. */
export type TestDatabaseFactory = () => Promise<TestDatabase>;

/** `dbName` on the server that `baseUrl` names. */
function urlOnSameServer(baseUrl: string, dbName: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/**
 * The default factory: an in-memory PGlite on the calling thread, migrated; with `DATABASE_URL`
 * set, a database `t_<random>` created on that server, migrated, and dropped by `dispose`.
 */
export async function createMigratedTestDatabase(): Promise<TestDatabase> {
  const baseUrl = Bun.env.DATABASE_URL;
  if (!baseUrl) {
    const database = await openMigratedDatabase({ dataDir: IN_MEMORY, thread: 'inline' }, (db) => migrateDatabase(db));
    return { database, dispose: () => database.close() };
  }
  const dbName = `t_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  const drop = async (): Promise<void> => {
    try {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  let database: PostgresDatabase;
  try {
    await admin.unsafe(`CREATE DATABASE "${dbName}"`);
    const url = urlOnSameServer(baseUrl, dbName);
    database = await openMigratedDatabase({ url, dataDir: IN_MEMORY, poolSize: 4 }, (db) => migrateDatabase(db));
  } catch (err) {
    await drop();
    throw err;
  }
  return {
    database,
    dispose: async () => {
      await database.close();
      await drop();
    },
  };
}
