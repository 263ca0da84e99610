/**
 * @module db/migrate-cli
 * `bun run migrate`: applies pending migrations to the database the settings name
 * (`DATABASE_URL`, or the embedded database in `DIRACX_DATA_DIR`), then exits.
 */
import { parseSettings } from '../settings.ts';
import { migrateDatabase } from './migrate.ts';
import { openDatabase } from './open.ts';

try {
  const settings = parseSettings(Bun.env);
  const database = await openDatabase({ url: settings.DATABASE_URL, dataDir: settings.DIRACX_DATA_DIR, poolSize: 1 });
  try {
    await migrateDatabase(database);
    console.log(`migrations applied (${database.driver})`);
  } finally {
    await database.close();
  }
} catch (err) {
  console.error(`diracx: migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
