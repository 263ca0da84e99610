/**
 * @module db/migrate-cli
 * `bun run migrate`: applies pending migrations to the database the settings name
 * (`DATABASE_URL`, or the embedded database in `DIRACX_DATA_DIR`): the core's, then those of the
 * build's extensions (as the server does at start; deployments where no server process migrates,
 * such as Workers, run this instead), then exits.
 */
import { EXTENSIONS } from '../../extensions/manifest.gen.ts';
import { composeExtensions } from '../extensions/compose.ts';
import { migrateExtensions } from '../extensions/migrate.ts';
import { parseSettings } from '../settings.ts';
import { migrateDatabase } from './migrate.ts';
import { openDatabase } from './open.ts';

try {
  const settings = parseSettings(Bun.env);
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
} catch (err) {
  console.error(`diracx: migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
