/**
 * Concurrent migrations (issue 17, item 4): runs of the core and extension migrators that start
 * together on one empty database all succeed and apply each migration exactly once, because
 * both take the migration lock in their transaction. On PostgreSQL the runs use connections of
 * their own, opened before any starts, as instances starting together do (test/server/
 * concurrent-start.test.ts does it with real processes); on the embedded database they share
 * its one connection. Against the core migrator without the lock (drizzle's, which reads what is
 * applied before its transaction) this failed on every run, on both drivers: on PostgreSQL runs
 * failed at `CREATE SCHEMA IF NOT EXISTS "drizzle"` (a duplicate key in the catalogue), on the
 * embedded database at the first migration's `CREATE TABLE`, applied a second time.
 */
import { describe, expect, it } from 'bun:test';
import { readdirSync } from 'node:fs';
import postgres from 'postgres';
import gubbins from '@diracx-ts/gubbins';
import type { PostgresDatabase } from '../../src/db/database.ts';
import { DEFAULT_MIGRATIONS_DIR, migrateDatabase } from '../../src/db/migrate.ts';
import { IN_MEMORY, openDatabase } from '../../src/db/open.ts';
import { composeExtensions } from '../../src/extensions/compose.ts';
import { migrateExtensions } from '../../src/extensions/migrate.ts';
import { TEST_DRIVER, urlForDatabase, postgresOf } from '../harness/database.ts';
import { sql } from 'drizzle-orm';

const RUNS = 4;
// The example extension, enabled here (the default build has none), for a migration to race over.
const extensionMigrations = composeExtensions([gubbins]).migrations;

/** `RUNS` handles on one new, empty database (one connection each on PostgreSQL), and how to drop it. */
async function emptyDatabase(): Promise<{ handles: PostgresDatabase[]; dispose(): Promise<void> }> {
  const baseUrl = Bun.env.DATABASE_URL;
  if (!baseUrl) {
    const database = await openDatabase({ dataDir: IN_MEMORY, thread: 'inline' });
    return { handles: Array.from({ length: RUNS }, () => database), dispose: () => database.close() };
  }
  const dbName = `t_mig_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  const handles = await Promise.all(
    Array.from({ length: RUNS }, () =>
      openDatabase({ url: urlForDatabase(baseUrl, dbName), dataDir: IN_MEMORY, poolSize: 1 }),
    ),
  );
  // Connected before any run starts, so that the runs start as close together as they can.
  await Promise.all(handles.map((handle) => handle.ping()));
  return {
    handles,
    dispose: async () => {
      await Promise.all(handles.map((handle) => handle.close()));
      await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

describe(`Concurrent migrations on one empty database (${TEST_DRIVER})`, () => {
  it('all succeed and record every core and extension migration exactly once', async () => {
    const { handles, dispose } = await emptyDatabase();
    try {
      const outcomes = await Promise.allSettled(
        handles.map(async (handle) => {
          await migrateDatabase(handle);
          return migrateExtensions(handle, extensionMigrations);
        }),
      );
      const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
      expect(failures).toEqual([]);
      // Exactly one run applied the extensions' migrations; the others found them done.
      const applied = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      expect(applied.filter((names) => names.length > 0).length).toBe(1);

      const [database] = handles as [PostgresDatabase];
      const files = readdirSync(DEFAULT_MIGRATIONS_DIR).filter((name) => name.endsWith('.sql'));
      const core = await postgresOf(database).query<{ hash: string; n: number }>(
        sql`SELECT hash, count(*)::int AS n FROM drizzle.__drizzle_migrations GROUP BY hash`,
      );
      expect(core.length).toBe(files.length);
      expect(core.every((row) => Number(row.n) === 1)).toBe(true);

      const expected = extensionMigrations.map((m) => `${m.extension}/${m.name}`).sort();
      expect(expected.length).toBeGreaterThan(0);
      const extension = await postgresOf(database).query<{ name: string }>(
        sql`SELECT "Extension" || '/' || "Name" AS name FROM "ExtensionMigrations"`,
      );
      expect(extension.map((row) => row.name).sort()).toEqual(expected);

      // The schema works: the jobs tables are there, empty, and allocate job ids.
      expect(await postgresOf(database).query(sql`SELECT "JobID" FROM "Jobs"`)).toEqual([]);
      await postgresOf(database).query(sql`INSERT INTO "JobJDLs" DEFAULT VALUES`);
      expect((await postgresOf(database).query(sql`SELECT "JobID" FROM "JobJDLs"`)).length).toBe(1);

      // Once migrated, a further run changes nothing.
      await migrateDatabase(database);
      expect(await migrateExtensions(database, extensionMigrations)).toEqual([]);
      const after = await postgresOf(database).query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`,
      );
      expect(Number(after[0]?.n)).toBe(files.length);
    } finally {
      await dispose();
    }
  });
});
