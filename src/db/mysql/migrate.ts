/**
 * @module db/mysql/migrate
 * Prepares a MySQL/MariaDB installation at start, under the server-wide migration lock
 * (`./migration-lock.ts`), so that instances starting together take turns:
 * - our own database gets the migrations of `./migrations` it has not seen (drizzle's bookkeeping
 *   table and rule: the files newer than the last row). MySQL commits DDL as it goes, so a
 *   migration that fails half-way is not rolled back; the next start retries it;
 * - each DiracX database is never altered: when it holds none of DiracX's tables (a standalone
 *   installation), they are created from the generated DDL (`./diracx-tables/<Db>.sql`), as
 *   DiracX's `init-sql` would; when it holds all of them, nothing happens; when only some, the
 *   start stops and names the missing ones (DiracX's own `python -m diracx.db init-sql` creates
 *   them).
 */
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MysqlDatabase, MysqlTx } from './database.ts';
import { MYSQL_MIGRATION_LOCK, rowsOf, withMysqlMigrationLock } from './migration-lock.ts';
import { type DiracxSqlDatabase, SQL_DATABASES, unqualifiedTables } from './schema/index.ts';
import { getTableConfig } from 'drizzle-orm/mysql-core';

export const MYSQL_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));
export const TABLE_DDL_DIR = fileURLToPath(new URL('./diracx-tables', import.meta.url));

/** A DiracX database holds only some of its tables: we do not finish (or alter) DiracX's schema. */
export class PartialDiracxDatabaseError extends Error {
  override name = 'PartialDiracxDatabaseError';
}

/** The statements of a drizzle-kit SQL file (split at its breakpoints, comments dropped). */
export function sqlStatements(text: string): string[] {
  return text
    .split('--> statement-breakpoint')
    .map((part) =>
      part
        .split('\n')
        .filter((line) => !line.startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((statement) => statement !== '');
}

const quote = (name: string) => sql.identifier(name);

/** The names of DiracX's tables in one of its databases. */
export function diracxTableNames(database: DiracxSqlDatabase): string[] {
  return Object.values(unqualifiedTables(database)).map((table) => getTableConfig(table).name);
}

async function applyOwnMigrations(tx: MysqlTx, own: string, migrationsFolder: string): Promise<void> {
  const journal = sql`${quote(own)}.${quote('__drizzle_migrations')}`;
  await tx.execute(
    sql`CREATE TABLE IF NOT EXISTS ${journal} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
  );
  const [last] = await rowsOf<{ created_at: string | number | null }>(
    tx,
    sql`SELECT created_at FROM ${journal} ORDER BY created_at DESC LIMIT 1`,
  );
  await tx.execute(sql`USE ${quote(own)}`);
  for (const migration of readMigrationFiles({ migrationsFolder })) {
    if (last && Number(last.created_at) >= migration.folderMillis) continue;
    for (const statement of migration.sql) if (statement.trim() !== '') await tx.execute(sql.raw(statement));
    await tx.execute(
      sql`INSERT INTO ${journal} (hash, created_at) VALUES (${migration.hash}, ${migration.folderMillis})`,
    );
  }
}

async function ensureDiracxDatabase(tx: MysqlTx, database: DiracxSqlDatabase, name: string): Promise<void> {
  const expected = diracxTableNames(database);
  const present = new Set(
    (
      await rowsOf<{ name: string }>(
        tx,
        sql`SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${name}`,
      )
    ).map((row) => row.name),
  );
  const missing = expected.filter((table) => !present.has(table));
  if (missing.length === 0) return;
  if (missing.length < expected.length) {
    throw new PartialDiracxDatabaseError(
      `DiracX's ${database} (database ${name}) lacks ${missing.join(', ')}: we never alter DiracX's tables; ` +
        "create them with DiracX's `python -m diracx.db init-sql`",
    );
  }
  await tx.execute(sql`CREATE DATABASE IF NOT EXISTS ${quote(name)}`);
  await tx.execute(sql`USE ${quote(name)}`);
  const ddl = readFileSync(join(TABLE_DDL_DIR, `${database}.sql`), 'utf8');
  for (const statement of sqlStatements(ddl)) await tx.execute(sql.raw(statement));
}

/** Migrates our database and creates DiracX's tables where none exist (see the module comment). */
export async function migrateMysql(
  database: MysqlDatabase,
  options: { migrationsFolder?: string; lockName?: string } = {},
): Promise<void> {
  const { migrationsFolder = MYSQL_MIGRATIONS_DIR, lockName = MYSQL_MIGRATION_LOCK } = options;
  await withMysqlMigrationLock(
    database,
    async (tx) => {
      await applyOwnMigrations(tx, database.names.own, migrationsFolder);
      for (const db of SQL_DATABASES) await ensureDiracxDatabase(tx, db, database.names.diracx[db]);
    },
    lockName,
  );
}
