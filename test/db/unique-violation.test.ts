/**
 * `isUniqueViolation` (in the extensions' sdk): true for a write refused by a primary or unique
 * key on both dialects (PostgreSQL's 23505 through the run's driver, MariaDB's ER_DUP_ENTRY
 * through drizzle's wrapped error), false for other failures of the same statement. The MariaDB
 * half needs MariaDB; it skips without it unless DIRACX_REQUIRE_MARIADB_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../src/db/driver-errors.ts';
import { extensionMigrations } from '../../src/db/schema/extensions.ts';
import { createTestDatabase, POSTGRES_ONLY, postgresOf, TEST_DRIVER, type TestDatabase } from '../harness/database.ts';
import { describeOnMariadb } from '../harness/mariadb.ts';

const failure = (work: () => Promise<unknown>): Promise<unknown> =>
  work().then(
    () => undefined,
    (err: unknown) => err,
  );

describe.skipIf(POSTGRES_ONLY)(`isUniqueViolation (${TEST_DRIVER}; PostgreSQL's tables, MariaDB's below)`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.dispose());

  it('tells a repeated key from other failures', async () => {
    const row = { extension: 'x', name: '0000' };
    await postgresOf(t.database).db.insert(extensionMigrations).values(row);
    const repeated = await failure(() => postgresOf(t.database).db.insert(extensionMigrations).values(row));
    expect(repeated).toBeInstanceOf(Error);
    expect(isUniqueViolation(repeated)).toBe(true);
    const tooLong = await failure(() =>
      postgresOf(t.database)
        .db.insert(extensionMigrations)
        .values({ extension: 'x'.repeat(100), name: '1' }),
    );
    expect(tooLong).toBeInstanceOf(Error);
    expect(isUniqueViolation(tooLong)).toBe(false);
    expect(isUniqueViolation(await failure(() => t.database.query(sql`SELECT * FROM "NoSuchTable"`)))).toBe(false);
  });
});

await describeOnMariadb('isUniqueViolation (mysql)', (t) => {
  it('tells a repeated key from other failures', async () => {
    const { extensionMigrations: table } = t.database.tables;
    const row = { extension: 'x', name: '0000', appliedAt: new Date() };
    await t.database.db.insert(table).values(row);
    const repeated = await failure(() => t.database.db.insert(table).values(row));
    expect(repeated).toBeInstanceOf(Error);
    expect(isUniqueViolation(repeated)).toBe(true);
    const tooLong = await failure(() => t.database.db.insert(table).values({ ...row, extension: 'x'.repeat(100) }));
    expect(tooLong).toBeInstanceOf(Error);
    expect(isUniqueViolation(tooLong)).toBe(false);
    expect(isUniqueViolation(await failure(() => t.database.query(sql`SELECT * FROM NoSuchTable`)))).toBe(false);
  });
});
