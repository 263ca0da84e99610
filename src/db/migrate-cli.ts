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
import { migrateCore, openConfiguredDatabase } from '../process/open-database.ts';
import { parseSettings } from '../settings.ts';
import { isMysqlDatabase } from './mysql/database.ts';

try {
  const extensions = composeExtensions(EXTENSIONS);
  const database = await openConfiguredDatabase(parseSettings(Bun.env), { poolSize: 1 });
  try {
    await migrateCore(database);
    const applied = await migrateExtensions(database, extensions.migrations);
    const where = isMysqlDatabase(database) ? `mysql: ${database.names.own}; DiracX's tables present` : database.driver;
    console.log(`migrations applied (${where}${applied.length ? `; extensions: ${applied.join(', ')}` : ''})`);
  } finally {
    await database.close();
  }
} catch (err) {
  console.error(`diracx: migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
