/**
 * @module process/sandbox-clean-cli
 * `bun run sandbox-clean [--days N] [--batch-size N]`: deletes the sandboxes no job references
 * (DiracX's `CleanSandboxStoreTask`): assigned once but no longer mapped to a job, or
 * unassigned and not accessed for N days (`DIRACX_SANDBOX_STORE_CLEAN_AFTER_DAYS`, 15).
 * Objects go from the store first, then the rows. Uses the server's settings (database and
 * sandbox store). Run it from cron next to the server on PostgreSQL; the embedded database
 * admits one process at a time, so there run it while the server is stopped. Exit status:
 * 0 done, 1 could not run, 2 some objects could not be deleted (retried next run).
 */
import { parseArgs } from 'node:util';
import { openConfiguredDatabase } from './open-database.ts';
import { createJsonLogger, describeError } from '../core/logger.ts';
import { cleanSandboxes } from '../logic/sandboxes/clean.ts';
import { parseSettings } from '../settings.ts';
import { createSandboxDeps } from '../storage/from-settings.ts';

/** A non-negative integer option, or the fallback when absent. */
function integerOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} expects a non-negative integer, got ${value}`);
  return Number(value);
}

const USAGE = `usage: bun run sandbox-clean [--days N] [--batch-size N]
  --days N        delete unassigned sandboxes not accessed for N days (default: DIRACX_SANDBOX_STORE_CLEAN_AFTER_DAYS)
  --batch-size N  sandboxes per transaction (default 1000)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { days: { type: 'string' }, 'batch-size': { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const settings = parseSettings(Bun.env);
  const unusedDays = integerOption(values.days, 'days', settings.DIRACX_SANDBOX_STORE_CLEAN_AFTER_DAYS);
  const batchSize = integerOption(values['batch-size'], 'batch-size', 1000);
  const log = createJsonLogger();
  const database = await openConfiguredDatabase(settings, { poolSize: 2 });
  try {
    const { store, settings: storeSettings } = await createSandboxDeps(settings, log);
    const result = await cleanSandboxes(
      { database, store, seName: storeSettings.seName, now: () => new Date(), log },
      { unusedDays, batchSize },
    );
    log.info('sandbox clean-up done', { ...result, unusedDays });
    return result.failed > 0 ? 2 : 0;
  } finally {
    await database.close();
  }
}

try {
  process.exit(await main());
} catch (err) {
  console.error(`diracx: sandbox-clean failed: ${describeError(err)}`);
  process.exit(1);
}
