/**
 * @module db/migration-lock
 * The one PostgreSQL advisory lock every migrator takes first in its transaction: the core's
 * (`./migrate.ts`) and the extensions' (`../extensions/migrate.ts`). Instances that start together
 * over one database therefore migrate one after another, each finding done what the one before
 * applied. Released when the transaction ends (commit, rollback or a lost connection). On the
 * embedded database, which one process owns, it is taken at no cost.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from './database.ts';

/** The lock's key: any constant, the same for every instance and every version of the server. */
export const MIGRATION_LOCK_KEY = 7_341_502;

/** Waits for the migration lock and holds it until `tx` ends. */
export async function lockMigrations(tx: Tx): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
}
