/**
 * @module db/migrate-cli
 * `bun run migrate`: applies pending migrations to the database the settings name
 * (`DATABASE_URL`, or the embedded database in `DIRACX_DATA_DIR`): the core's, then those of the
 * build's extensions (as the server does at start; deployments where no server process migrates,
 * such as Workers, run this instead), then exits. With DiracX's MySQL databases
 * (`DIRACX_DB_URL_*` and `DIRACX_OWN_DB_URL`): our own database's migrations, and DiracX's tables
 * created in those of its databases that have none (`./mysql/migrate.ts`), then the extensions'
 * MySQL migrations in our own database (an extension without them is refused).
 */
import { EXTENSIONS } from '../../extensions/manifest.gen.ts';
import { composeExtensions } from '../extensions/compose.ts';
import { migrateExtensions } from '../extensions/migrate.ts';
import { mysqlTarget } from '../mysql-settings.ts';
import { parseSettings, type Settings } from '../settings.ts';
import { migrateDatabase } from './migrate.ts';
import { migrateMysql } from './mysql/migrate.ts';
import { openMysqlDatabase } from './mysql/open.ts';
import { openDatabase } from './open.ts';

async function migrateMysqlTarget(target: NonNullable<ReturnType<typeof mysqlTarget>>): Promise<void> {
  const extensions = composeExtensions(EXTENSIONS);
  const database = await openMysqlDatabase({ ...target, poolSize: 1 });
  try {
    await migrateMysql(database);
    const applied = await migrateExtensions(database, extensions.migrations);
    console.log(
      `migrations applied (mysql: ${target.names.own}; DiracX's tables present` +
        `${applied.length ? `; extensions: ${applied.join(', ')}` : ''})`,
    );
  } finally {
    await database.close();
  }
}

async function migratePostgres(settings: Settings): Promise<void> {
  const extensions = composeExtensions(EXTENSIONS);
  const database = await openDatabase({ url: settings.DATABASE_URL, dataDir: settings.DIRACX_DATA_DIR, poolSize: 1 });
  try {
    await migrateDatabase(database);
    const applied = await migrateExtensions(database, extensions.migrations);
    console.log(
      `migrations applied (${database.driver}${applied.length ? `; extensions: ${applied.join(', ')}` : ''})`,
    );
  } finally {
    await database.close();
  }
}

try {
  const settings = parseSettings(Bun.env);
  const target = mysqlTarget(settings);
  if (target) await migrateMysqlTarget(target);
  else await migratePostgres(settings);
} catch (err) {
  console.error(`diracx: migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
