/**
 * @module extensions/migrate-mysql
 * The extensions' migrations on MySQL/MariaDB: the `mysql` SQL of each one this installation has
 * not recorded, in manifest order, run in our own database (`DIRACX_OWN_DB_URL`; DiracX's
 * databases are never touched: unqualified names land in ours) and recorded in its
 * `ExtensionMigrations`, under the migration lock the core's MySQL migrations take
 * (`db/mysql/migration-lock.ts`), so instances starting together apply each migration once.
 * MySQL commits each DDL statement as it runs, so "all or none" holds per migration only as far
 * as its record goes: a migration is recorded after its last statement succeeded; one that fails
 * keeps the statements that ran before the failure, is not recorded, stops the run (later ones are
 * not tried), and runs again from its first statement at the next start.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { MysqlDatabase } from '../db/mysql/database.ts';
import { sqlStatements } from '../db/mysql/migrate.ts';
import { withMysqlMigrationLock } from '../db/mysql/migration-lock.ts';
import { ExtensionError, type OwnedMigration } from './compose.ts';

/** An owned migration that carries MySQL SQL. */
type MysqlMigration = OwnedMigration & { readonly mysql: string };

/** `migrations`, all with MySQL SQL; otherwise throws `ExtensionError` naming every extension without. */
export function mysqlMigrationsOf(migrations: readonly OwnedMigration[], driver: string): MysqlMigration[] {
  const lacking = migrations.filter((m) => m.mysql === undefined);
  if (lacking.length > 0) {
    const owners = [...new Set(lacking.map((m) => m.extension))].join(', ');
    const names = lacking.map((m) => `${m.extension}/${m.name}`).join(', ');
    throw new ExtensionError(
      `extension ${owners} cannot run on ${driver} (DIRACX_DB_URL_*): migrations without MySQL SQL ` +
        `(\`mysql\`): ${names}; serve it from a server on PostgreSQL or the embedded database`,
    );
  }
  return migrations as MysqlMigration[];
}

/** Applies what is pending (see the module comment); returns the names applied (`extension/name`). */
export async function migrateMysqlExtensions(
  database: MysqlDatabase,
  migrations: readonly OwnedMigration[],
  options: { lockName?: string } = {},
): Promise<string[]> {
  const pending = mysqlMigrationsOf(migrations, database.driver);
  const { extensionMigrations: recorded } = database.tables;
  return withMysqlMigrationLock(
    database,
    async (tx) => {
      const applied: string[] = [];
      for (const migration of pending) {
        const done = await tx
          .select({ name: recorded.name })
          .from(recorded)
          .where(and(eq(recorded.extension, migration.extension), eq(recorded.name, migration.name)));
        if (done.length > 0) continue;
        // Unqualified names land in our database (whatever an earlier migration chose with USE).
        await tx.execute(sql`USE ${sql.identifier(database.names.own)}`);
        for (const statement of sqlStatements(migration.mysql)) await tx.execute(sql.raw(statement));
        // Qualified by name: a statement may have changed the default database.
        await tx
          .insert(recorded)
          .values({ extension: migration.extension, name: migration.name, appliedAt: new Date() });
        applied.push(`${migration.extension}/${migration.name}`);
      }
      return applied;
    },
    options.lockName,
  );
}
