/**
 * The test databases' isolation: whatever one test leaves in its database (rows, sequence
 * positions, tables, session settings), the next test's database is as freshly migrated. On
 * PGlite a disposed database is emptied and reused (`pglite-pool.ts`); on PostgreSQL each is new;
 * on MariaDB a set of databases is emptied and reused, or dropped when its tables changed
 * (`mariadb-pool.ts`).
 */
import { describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { resultRows } from '../../src/db/database.ts';
import { ensureOwnerId } from '../../src/db/sandboxes.ts';
import { sandboxOwners } from '../../src/db/schema/sandboxes.ts';
import { createTestDatabase, postgresOf, TEST_DRIVER, type TestDatabase } from './database.ts';

async function ownerIds(t: TestDatabase): Promise<number[]> {
  const { database } = t;
  const rows =
    database.driver === 'mysql'
      ? await database.db.select({ id: database.tables.sandboxOwners.ownerId }).from(database.tables.sandboxOwners)
      : await database.db.select({ id: sandboxOwners.ownerId }).from(sandboxOwners);
  return rows.map((row) => row.id).sort((a, b) => a - b);
}

async function addOwner(t: TestDatabase, owner: string): Promise<void> {
  await ensureOwnerId(t.database.session, { owner, ownerGroup: 'g', vo: 'vo' });
}

/** Whether the database has a table named `name` (in our own database on MariaDB). */
async function hasTable(t: TestDatabase, name: string): Promise<boolean> {
  const { database } = t;
  const rows =
    database.driver === 'mysql'
      ? await database.query(
          sql`SELECT 1 FROM information_schema.TABLES
              WHERE TABLE_SCHEMA = ${database.names.own} AND TABLE_NAME = ${name}`,
        )
      : await database.query(sql`SELECT 1 FROM pg_class WHERE relname = ${name}`);
  return rows.length > 0;
}

/** The session's time zone setting. */
async function zoneOf(t: TestDatabase): Promise<string | undefined> {
  const { database } = t;
  const [row] =
    database.driver === 'mysql'
      ? await database.query<{ zone: string }>(sql`SELECT @@session.time_zone AS zone`)
      : await database.query<{ zone: string }>(sql`SELECT current_setting('TimeZone') AS zone`);
  return row?.zone;
}

/** Sets a connection's session time zone to Tokyo's (kept past the commit); returns it as read there. */
function setTokyoZone(t: TestDatabase): Promise<string | undefined> {
  return t.database.transaction(async (tx) => {
    if (tx.dialect === 'mysql') {
      await tx.db.execute(sql`SET time_zone = '+09:00'`);
      const [rows] = (await tx.db.execute(sql`SELECT @@session.time_zone AS zone`)) as unknown as [{ zone: string }[]];
      return rows[0]?.zone;
    }
    await tx.db.execute(sql`SET TIME ZONE 'Asia/Tokyo'`);
    const rows = resultRows<{ zone: string }>(await tx.db.execute(sql`SELECT current_setting('TimeZone') AS zone`));
    return rows[0]?.zone;
  });
}

/** Runs `use` on a database, disposes of it, and returns the next test's database. */
async function nextAfter(use: (t: TestDatabase) => Promise<void>): Promise<TestDatabase> {
  const first = await createTestDatabase();
  try {
    await use(first);
  } finally {
    await first.dispose();
  }
  return createTestDatabase();
}

describe(`test databases after a test (${TEST_DRIVER})`, () => {
  it('start without the rows of the previous test, and with its sequences restarted', async () => {
    const next = await nextAfter(async (t) => {
      await addOwner(t, 'a');
      await addOwner(t, 'b');
      expect(await ownerIds(t)).toEqual([1, 2]);
    });
    try {
      expect(await ownerIds(next)).toEqual([]);
      await addOwner(next, 'c');
      expect(await ownerIds(next)).toEqual([1]);
    } finally {
      await next.dispose();
    }
  });

  it('start without the tables the previous test created', async () => {
    const next = await nextAfter(async (t) => {
      await t.database.query(sql`CREATE TABLE left_behind (id int)`);
      expect(await hasTable(t, 'left_behind')).toBe(true);
    });
    try {
      expect(await hasTable(next, 'left_behind')).toBe(false);
    } finally {
      await next.dispose();
    }
  });

  it('start with the session settings of a fresh database', async () => {
    const fresh = await createTestDatabase();
    const zone = await zoneOf(fresh);
    await fresh.dispose();
    expect(zone).toBeDefined();
    expect(zone).not.toBe(fresh.database.driver === 'mysql' ? '+09:00' : 'Asia/Tokyo');
    const next = await nextAfter(async (t) => {
      expect(await setTokyoZone(t)).toBe(t.database.driver === 'mysql' ? '+09:00' : 'Asia/Tokyo');
    });
    try {
      expect(await zoneOf(next)).toBe(zone);
    } finally {
      await next.dispose();
    }
  });

  // A transaction opened with a bare BEGIN: PGlite's one connection would carry it into the next
  // test (postgres.js refuses a bare BEGIN on a pool).
  it.skipIf(TEST_DRIVER !== 'pglite')('start outside a transaction the previous test left open (PGlite)', async () => {
    const next = await nextAfter(async (t) => {
      await postgresOf(t.database).query(sql`BEGIN`);
      await addOwner(t, 'uncommitted');
    });
    try {
      expect(await ownerIds(next)).toEqual([]);
      // A savepoint exists only in a transaction block.
      const err = await postgresOf(next.database)
        .query(sql`SAVEPOINT probe`)
        .catch((e: unknown) => e);
      expect(String((err as Error).cause ?? err)).toContain('SAVEPOINT can only be used in transaction blocks');
    } finally {
      await next.dispose();
    }
  });

  it('cannot be reached through the previous test’s handle once it is disposed of', async () => {
    const first = await createTestDatabase();
    const stale = first.database;
    await first.dispose();
    const next = await createTestDatabase();
    try {
      const err = await ensureOwnerId(stale.session, { owner: 'late', ownerGroup: 'g', vo: 'vo' }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(await ownerIds(next)).toEqual([]);
    } finally {
      await next.dispose();
    }
  });
});
