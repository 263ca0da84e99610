/**
 * @module process/open-database
 * Opens the database the settings name, for the server and the command-line tools: DiracX's
 * MySQL/MariaDB databases and our own beside them when `DIRACX_DB_URL_*` and `DIRACX_OWN_DB_URL`
 * are set (`../mysql-settings.ts`), else PostgreSQL (`DATABASE_URL`) or the embedded database in
 * `DIRACX_DATA_DIR`. The server migrates first, free of the statement timeout, through a
 * connection of its own; the served pool then runs every statement under it.
 */
import { type Database, isPostgresDatabase } from '../db/database.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { isMysqlDatabase } from '../db/mysql/database.ts';
import { migrateMysql } from '../db/mysql/migrate.ts';
import { openMysqlDatabase } from '../db/mysql/open.ts';
import { openDatabase, openMigratedDatabase } from '../db/open.ts';
import { mysqlTarget } from '../mysql-settings.ts';
import type { Settings } from '../settings.ts';

export interface DatabasePool {
  /** Connections in the pool. */
  poolSize: number;
  /** Longest a statement may run, in milliseconds; 0: no limit. */
  statementTimeoutMs?: number;
}

/** The core's migrations, on either dialect (`bun run migrate`; the server migrates as it opens). */
export async function migrateCore(database: Database): Promise<void> {
  if (isMysqlDatabase(database)) await migrateMysql(database);
  else if (isPostgresDatabase(database)) await migrateDatabase(database);
}

/** Opens the configured database without migrating it (the command-line tools). */
export function openConfiguredDatabase(settings: Settings, pool: DatabasePool): Promise<Database> {
  const target = mysqlTarget(settings);
  if (target) return openMysqlDatabase({ ...target, ...pool });
  return openDatabase({ url: settings.DATABASE_URL, dataDir: settings.DIRACX_DATA_DIR, ...pool });
}

/**
 * Migrates the configured database (the core's migrations, then `migrateMore`: the extensions')
 * and opens it to serve requests under the statement timeout.
 */
export async function openMigratedConfiguredDatabase(
  settings: Settings,
  pool: DatabasePool,
  migrateMore: (database: Database) => Promise<void>,
): Promise<Database> {
  const target = mysqlTarget(settings);
  if (!target) {
    return openMigratedDatabase(
      { url: settings.DATABASE_URL, dataDir: settings.DIRACX_DATA_DIR, ...pool },
      async (migrating) => {
        await migrateDatabase(migrating);
        await migrateMore(migrating);
      },
    );
  }
  const migrating = await openMysqlDatabase({ ...target, poolSize: 1 });
  try {
    await migrateMysql(migrating);
    await migrateMore(migrating);
  } finally {
    await migrating.close();
  }
  return openMysqlDatabase({ ...target, ...pool });
}
