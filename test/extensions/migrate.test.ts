/**
 * Extension migrations: applied once each, in order, after the core's, recorded by
 * (extension, name); a failing one leaves nothing behind, neither its tables nor its record.
 */
import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { resultRows } from '../../src/db/database.ts';
import type { OwnedMigration } from '../../src/extensions/compose.ts';
import { migrateExtensions } from '../../src/extensions/migrate.ts';
import { createTestDatabase, POSTGRES_ONLY, type TestDatabase, postgresOf } from '../harness/database.ts';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.dispose());

const tables = async (): Promise<string[]> =>
  resultRows<{ name: string }>(
    await postgresOf(db.database).db.execute(
      sql`SELECT table_name AS name FROM information_schema.tables WHERE table_name LIKE 'Alpha%' ORDER BY 1`,
    ),
  ).map((r) => r.name);
const recorded = async (): Promise<string[]> =>
  resultRows<{ k: string }>(
    await postgresOf(db.database).db.execute(
      sql`SELECT "Extension" || '/' || "Name" AS k FROM "ExtensionMigrations" ORDER BY 1`,
    ),
  ).map((r) => r.k);

const first: OwnedMigration = {
  extension: 'alpha',
  name: '0000_things',
  sql:
    'CREATE TABLE "AlphaThings" (id int);\n--> ' +
    'statement-breakpoint\nCREATE INDEX "AlphaThings_id" ON "AlphaThings" (id);',
};
const second: OwnedMigration = { extension: 'alpha', name: '0001_more', sql: 'CREATE TABLE "AlphaMore" (id int);' };

describe.skipIf(POSTGRES_ONLY)(
  "migrateExtensions (PostgreSQL's: one transaction; MySQL's in test/extensions/mysql-migrate.test.ts)",
  () => {
    it('applies each migration once, in order, and records it', async () => {
      expect(await migrateExtensions(db.database, [first])).toEqual(['alpha/0000_things']);
      expect(await migrateExtensions(db.database, [first, second])).toEqual(['alpha/0001_more']);
      expect(await migrateExtensions(db.database, [first, second])).toEqual([]);
      expect(await tables()).toEqual(['AlphaMore', 'AlphaThings']);
      expect(await recorded()).toEqual(['alpha/0000_things', 'alpha/0001_more']);
    });

    it('rolls a failing run back entirely', async () => {
      const broken: OwnedMigration = {
        extension: 'alpha',
        name: '0001_broken',
        sql: 'CREATE TABLE "AlphaHalf" (id int);\n--> statement-breakpoint\nCREATE TABLE nonsense (;',
      };
      // Not `expect(...).rejects`: Bun's matcher stops delivering the embedded database's worker messages.
      expect(await migrateExtensions(db.database, [first, broken]).catch((err: unknown) => err)).toBeInstanceOf(Error);
      expect(await tables()).toEqual([]);
      expect(await recorded()).toEqual([]);
    });
  },
);
