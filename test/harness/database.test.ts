/**
 * The test databases' isolation: whatever one test leaves in its database (rows, sequence
 * positions, tables, session settings), the next test's database is as freshly migrated. On
 * PGlite a disposed database is emptied and reused (`pglite-pool.ts`); on PostgreSQL each is new.
 */
import { describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { createTestDatabase, TEST_DRIVER, type TestDatabase, postgresOf } from './database.ts';

async function ownerIds(t: TestDatabase): Promise<number[]> {
  const rows = await postgresOf(t.database).query<{ id: number }>(
    sql`SELECT "OwnerID" AS id FROM "sb_Owners" ORDER BY 1`,
  );
  return rows.map((row) => row.id);
}

async function addOwner(t: TestDatabase, owner: string): Promise<void> {
  await postgresOf(t.database).query(
    sql`INSERT INTO "sb_Owners" ("Owner", "OwnerGroup", "VO") VALUES (${owner}, 'g', 'vo')`,
  );
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
      await postgresOf(t.database).query(sql`CREATE TABLE left_behind (id int)`);
    });
    try {
      expect(await postgresOf(next.database).query(sql`SELECT 1 FROM pg_class WHERE relname = 'left_behind'`)).toEqual(
        [],
      );
    } finally {
      await next.dispose();
    }
  });

  it('start with the session settings of a fresh database', async () => {
    const fresh = await createTestDatabase();
    const zoneOf = async (t: TestDatabase): Promise<string | undefined> => {
      const [row] = await postgresOf(t.database).query<{ zone: string }>(
        sql`SELECT current_setting('TimeZone') AS zone`,
      );
      return row?.zone;
    };
    const zone = await zoneOf(fresh);
    await fresh.dispose();
    expect(zone).not.toBe('Asia/Tokyo');
    const next = await nextAfter(async (t) => {
      await postgresOf(t.database).query(sql`SET TIME ZONE 'Asia/Tokyo'`);
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
      const err = await stale
        .query(sql`INSERT INTO "sb_Owners" ("Owner", "OwnerGroup", "VO") VALUES ('late', 'g', 'vo')`)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(await ownerIds(next)).toEqual([]);
    } finally {
      await next.dispose();
    }
  });
});
