/**
 * @module extensions/migrate
 * Applies the extensions' SQL migrations that this database has not seen, after the core's, each
 * once, in manifest order, recorded in `ExtensionMigrations`. One transaction under the migration
 * lock the core's migrations take too (`db/migration-lock.ts`), so instances starting together over
 * one PostgreSQL apply each migration exactly once, and a failing migration leaves nothing
 * half-applied. Extensions' tables are PostgreSQL tables: on MySQL/MariaDB an extension with
 * migrations is refused.
 */
import { and, eq, sql } from 'drizzle-orm';
import { type Database, isPostgresDatabase } from '../db/database.ts';
import { lockMigrations } from '../db/migration-lock.ts';
import { extensionMigrations } from '../db/schema/extensions.ts';
import type { OwnedMigration } from './compose.ts';

/** drizzle-kit's separator between the statements of one migration file. */
const STATEMENT_BREAKPOINT = '--> statement-breakpoint';

/** Applies what is pending; returns the names applied (`extension/name`). */
export async function migrateExtensions(database: Database, migrations: readonly OwnedMigration[]): Promise<string[]> {
  if (migrations.length === 0) return [];
  if (!isPostgresDatabase(database)) {
    const owners = [...new Set(migrations.map((m) => m.extension))].join(', ');
    throw new Error(
      `extension(s) ${owners} bring tables for PostgreSQL only: they cannot run on ${database.driver} ` +
        '(DIRACX_DB_URL_*); serve them from a server on PostgreSQL or the embedded database',
    );
  }
  return database.db.transaction(async (tx) => {
    await lockMigrations(tx);
    const applied: string[] = [];
    for (const migration of migrations) {
      const done = await tx
        .select({ name: extensionMigrations.name })
        .from(extensionMigrations)
        .where(
          and(eq(extensionMigrations.extension, migration.extension), eq(extensionMigrations.name, migration.name)),
        );
      if (done.length > 0) continue;
      for (const statement of migration.sql.split(STATEMENT_BREAKPOINT)) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.insert(extensionMigrations).values({ extension: migration.extension, name: migration.name });
      applied.push(`${migration.extension}/${migration.name}`);
    }
    return applied;
  });
}
