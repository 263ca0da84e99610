/**
 * @module extensions/migrate
 * Applies the extensions' SQL migrations that this database has not seen, after the core's, each
 * once, in manifest order, recorded in `ExtensionMigrations`. On PostgreSQL (and the embedded
 * database): their `sql`, in one transaction under the migration lock the core's migrations take
 * too (`db/migration-lock.ts`), so instances starting together over one PostgreSQL apply each
 * migration exactly once, and a failing migration leaves nothing half-applied. On MySQL/MariaDB:
 * their `mysql`, in our own database, under the core's `GET_LOCK`, without that all-or-none
 * (`./migrate-mysql.ts`); an extension with a migration that has no `mysql` is refused there.
 */
import { and, eq, sql } from 'drizzle-orm';
import { type Database, isPostgresDatabase, type PostgresDatabase } from '../db/database.ts';
import { lockMigrations } from '../db/migration-lock.ts';
import { isMysqlDatabase } from '../db/mysql/database.ts';
import { extensionMigrations } from '../db/schema/extensions.ts';
import type { OwnedMigration } from './compose.ts';
import { migrateMysqlExtensions } from './migrate-mysql.ts';

/** drizzle-kit's separator between the statements of one migration file. */
const STATEMENT_BREAKPOINT = '--> statement-breakpoint';

export interface MigrateExtensionsOptions {
  /** MySQL only: the name of the `GET_LOCK` taken (default: the one the core's migrations take). */
  lockName?: string;
}

/** Applies what is pending; returns the names applied (`extension/name`). */
export async function migrateExtensions(
  database: Database,
  migrations: readonly OwnedMigration[],
  options: MigrateExtensionsOptions = {},
): Promise<string[]> {
  if (migrations.length === 0) return [];
  if (isMysqlDatabase(database)) return migrateMysqlExtensions(database, migrations, options);
  if (!isPostgresDatabase(database)) throw new Error(`extension migrations: unknown driver ${database.driver}`);
  return migratePostgresExtensions(database, migrations);
}

async function migratePostgresExtensions(
  database: PostgresDatabase,
  migrations: readonly OwnedMigration[],
): Promise<string[]> {
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
