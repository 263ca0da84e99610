/**
 * @module db/database
 * The one database type the rest of the code sees, whichever driver serves it (postgres.js or
 * embedded PGlite). Web-standard only: the request handler imports this module; the drivers
 * themselves are opened by `src/db/open.ts` in the server process.
 */
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { UnavailableError } from '../core/errors.ts';
import type { Schema } from './schema/index.ts';
import { DATABASE_UNAVAILABLE, translateDriverError } from './driver-errors.ts';

/** A drizzle database over our schema; both drivers produce one. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** The handle a transaction callback receives. */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DriverName = 'postgres' | 'pglite';

export interface Database {
  readonly driver: DriverName;
  /** Raw drizzle handle; prefer `transaction`, which maps a lost connection to `UnavailableError`. */
  readonly db: Db;
  /** Runs `fn` in one transaction: commits when it returns, rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs one raw SQL statement and returns its rows, whichever driver serves it. */
  query<T extends Record<string, unknown>>(statement: SQL): Promise<T[]>;
  /** Resolves when the database answers a trivial query; throws `UnavailableError` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The rows of a raw `execute` result: postgres.js resolves to the row array itself, PGlite to `{ rows }`. */
export function resultRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** How long a ping may take before the database counts as unavailable. */
const PING_TIMEOUT_MS = 3000;

/** Runs `work`, throwing driver errors as the domain errors they mean (`driver-errors.ts`). */
export async function guardDriverErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw translateDriverError(err);
  }
}

/**
 * Resolves when `trivialQuery` answers within the ping timeout; otherwise throws
 * `UnavailableError` (a ping that fails for any reason means "not ready"; the cause is for the
 * log only). Shared by both dialects.
 */
export async function pingWithin(trivialQuery: () => Promise<unknown>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError(DATABASE_UNAVAILABLE)), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([guardDriverErrors(trivialQuery), timeout]);
  } catch (err) {
    if (err instanceof UnavailableError) throw err;
    throw new UnavailableError(DATABASE_UNAVAILABLE);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wraps a drizzle handle into a `Database`: transactions and pings translate driver errors
 * (`driver-errors.ts`): a lost connection becomes a 503 and an unstorable value a 400, not a 500.
 */
export function wrapDatabase(driver: DriverName, db: Db, close: () => Promise<void>): Database {
  return {
    driver,
    db,
    transaction: (fn) => guardDriverErrors(() => db.transaction(fn)),
    query: async <T extends Record<string, unknown>>(statement: SQL): Promise<T[]> => {
      return resultRows<T>(await guardDriverErrors(() => db.execute(statement)));
    },
    ping: () => pingWithin(() => db.execute('select 1')),
    close,
  };
}
