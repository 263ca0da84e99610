/**
 * Extension migrations on MySQL/MariaDB: their `mysql` SQL applied once each, in order, in our own
 * database (never DiracX's), recorded in its `ExtensionMigrations`, under the migration lock (two
 * instances migrating together apply each once); an extension whose migrations lack MySQL SQL is
 * refused, naming it, before anything runs; a failing migration keeps the DDL that ran before it
 * (MySQL commits DDL), is not recorded, and runs again at the next attempt. Needs MariaDB; skips
 * without it unless DIRACX_REQUIRE_MARIADB_TESTS=1.
 */
import { expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { openMysqlDatabase } from '../../src/db/mysql/open.ts';
import { ExtensionError, type OwnedMigration } from '../../src/extensions/compose.ts';
import { migrateExtensions } from '../../src/extensions/migrate.ts';
import { describeOnMariadb } from '../harness/mariadb.ts';

/** A migration of `extension` with both dialects' SQL (the PostgreSQL side is never run here). */
const migration = (extension: string, name: string, mysql: string | undefined): OwnedMigration => ({
  extension,
  name,
  sql: 'SELECT 1',
  mysql,
});

await describeOnMariadb('extension migrations on MySQL', (t) => {
  // Our own lock name: other test files on this MariaDB do not wait for these tests, nor they for them.
  const options = () => ({ lockName: `test-ext-${t.own}` });

  /** The tables named `<prefix>%` in our database and DiracX's, as `database.table`. */
  const tablesLike = async (prefix: string): Promise<string[]> => {
    const schemas = [t.own, ...Object.values(t.set.names)];
    return (
      await t.database.query<{ name: string }>(
        sql`SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) AS name FROM information_schema.TABLES
            WHERE TABLE_NAME LIKE ${`${prefix}%`} AND TABLE_SCHEMA IN (${sql.join(
              schemas.map((s) => sql`${s}`),
              sql`, `,
            )}) ORDER BY 1`,
      )
    ).map((row) => row.name);
  };
  const recorded = async (extension: string): Promise<string[]> =>
    (
      await t.database.query<{ name: string }>(
        sql`SELECT Name AS name FROM ${sql.identifier(t.own)}.ExtensionMigrations
            WHERE Extension = ${extension} ORDER BY 1`,
      )
    ).map((row) => row.name);

  it('applies each migration once, in order, in our own database, and records it', async () => {
    const first = migration(
      'alpha',
      '0000_things',
      'CREATE TABLE AlphaThings (id int);\n--> statement-breakpoint\n' +
        'CREATE INDEX AlphaThings_id ON AlphaThings (id);',
    );
    // Runs after the first: it needs its table.
    const second = migration('alpha', '0001_more', 'ALTER TABLE AlphaThings ADD COLUMN label varchar(8)');
    expect(await migrateExtensions(t.database, [first], options())).toEqual(['alpha/0000_things']);
    expect(await migrateExtensions(t.database, [first, second], options())).toEqual(['alpha/0001_more']);
    expect(await migrateExtensions(t.database, [first, second], options())).toEqual([]);
    expect(await tablesLike('Alpha')).toEqual([`${t.own}.AlphaThings`]);
    const columns = await t.database.query<{ name: string }>(
      sql`SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = ${t.own} AND TABLE_NAME = 'AlphaThings' ORDER BY ORDINAL_POSITION`,
    );
    expect(columns.map((c) => c.name)).toEqual(['id', 'label']);
    expect(await recorded('alpha')).toEqual(['0000_things', '0001_more']);
  });

  it('refuses an extension whose migrations lack MySQL SQL, naming it, and applies nothing', async () => {
    const fine = migration('beta', '0000_fine', 'CREATE TABLE BetaFine (id int)');
    const pgOnly = migration('gamma', '0000_pg_only', undefined);
    const refused = await migrateExtensions(t.database, [fine, pgOnly], options()).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ExtensionError);
    expect((refused as Error).message).toBe(
      'extension gamma cannot run on mysql (DIRACX_DB_URL_*): migrations without MySQL SQL (`mysql`): ' +
        'gamma/0000_pg_only; serve it from a server on PostgreSQL or the embedded database',
    );
    expect(await tablesLike('Beta')).toEqual([]);
    expect(await recorded('beta')).toEqual([]);
  });

  it('keeps the DDL a failing migration ran, records only what succeeded, and runs it again', async () => {
    const first = migration('delta', '0000_ok', 'CREATE TABLE DeltaOk (id int)');
    const halfway =
      'CREATE TABLE IF NOT EXISTS DeltaHalf (id int);\n--> statement-breakpoint\nCREATE TABLE nonsense (;';
    const third = migration('delta', '0002_after', 'CREATE TABLE DeltaAfter (id int)');
    const failed = await migrateExtensions(
      t.database,
      [first, migration('delta', '0001_half', halfway), third],
      options(),
    ).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(Error);
    expect(await tablesLike('Delta')).toEqual([`${t.own}.DeltaHalf`, `${t.own}.DeltaOk`]);
    expect(await recorded('delta')).toEqual(['0000_ok']);

    // Repaired (same name: it never applied), it runs again from its first statement, which is idempotent.
    const repaired = migration(
      'delta',
      '0001_half',
      'CREATE TABLE IF NOT EXISTS DeltaHalf (id int);\n--> statement-breakpoint\nALTER TABLE DeltaHalf ADD n int',
    );
    expect(await migrateExtensions(t.database, [first, repaired, third], options())).toEqual([
      'delta/0001_half',
      'delta/0002_after',
    ]);
    expect(await tablesLike('Delta')).toEqual([`${t.own}.DeltaAfter`, `${t.own}.DeltaHalf`, `${t.own}.DeltaOk`]);
    expect(await recorded('delta')).toEqual(['0000_ok', '0001_half', '0002_after']);
  });

  it('applies each migration once when two instances migrate together (GET_LOCK)', async () => {
    // Not idempotent: a second run of either statement fails, so only the lock keeps both runs clean.
    const list = [
      migration('epsilon', '0000_a', 'CREATE TABLE EpsilonA (id int)'),
      migration('epsilon', '0001_b', 'CREATE TABLE EpsilonB (id int)'),
    ];
    const other = await openMysqlDatabase({ url: t.url, names: t.database.names, poolSize: 2 });
    try {
      const [a, b] = await Promise.all([
        migrateExtensions(t.database, list, options()),
        migrateExtensions(other, list, options()),
      ]);
      expect([...a, ...b].sort()).toEqual(['epsilon/0000_a', 'epsilon/0001_b']);
    } finally {
      await other.close();
    }
    expect(await recorded('epsilon')).toEqual(['0000_a', '0001_b']);
  });
});
