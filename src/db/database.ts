/**
 * @module db/database
 * The one database type the rest of the code sees, whichever driver serves it (postgres.js,
 * embedded PGlite, or mysql2 over DiracX's MySQL/MariaDB databases): transactions and plain calls
 * hand a dialect-tagged `Session` to the data-layer functions. `PostgresDatabase` adds the raw
 * drizzle handle for PostgreSQL-only code (migrations, tests). Web-standard only: the request
 * handler imports this module; the drivers themselves are opened by `src/db/open.ts` and
 * `src/db/mysql/open.ts` in the server process.
 */
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import { UnavailableError } from '../core/errors.ts';
import type { Schema } from './schema/index.ts';
import { DATABASE_UNAVAILABLE, translateDriverError } from './driver-errors.ts';
import type { PostgresSession, Session } from './session.ts';

/** A drizzle database over our schema; both drivers produce one. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** The handle a transaction callback receives. */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DriverName = 'postgres' | 'pglite' | 'mysql';

export interface Database {
  readonly driver: DriverName;
  /** For one call outside a transaction (a read that needs no lock). */
  readonly session: Session;
  /** Runs `fn` in one transaction: commits when it returns, rolls back when it throws. */
  transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query; throws `UnavailableError` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL or the embedded PGlite, with its raw drizzle handle for PostgreSQL-only code. */
export interface PostgresDatabase extends Database {
  readonly driver: 'postgres' | 'pglite';
  readonly session: PostgresSession;
  /** Raw drizzle handle; prefer `transaction`, which maps a lost connection to `UnavailableError`. */
  readonly db: Db;
  transaction<T>(fn: (tx: PostgresSession) => Promise<T>): Promise<T>;
  /** Runs one raw SQL statement and returns its rows, whichever driver serves it. */
  query<T extends Record<string, unknown>>(statement: SQL): Promise<T[]>;
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
 * `UnavailableError` (a ping that fails for any reason means "not ready"; the cause, kept as its
 * `cause`, is for the log only). Shared by both dialects.
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
    throw new UnavailableError(DATABASE_UNAVAILABLE, undefined, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wraps a drizzle handle into a `Database`: transactions and pings translate driver errors
 * (`driver-errors.ts`): a lost connection becomes a 503 and an unstorable value a 400, not a 500.
 */
export function wrapDatabase(driver: PostgresDatabase['driver'], db: Db, close: () => Promise<void>): PostgresDatabase {
  return {
    driver,
    db,
    session: { dialect: 'postgres', db },
    transaction: (fn) => guardDriverErrors(() => db.transaction((tx) => fn({ dialect: 'postgres', db: tx }))),
    query: async <T extends Record<string, unknown>>(statement: SQL): Promise<T[]> => {
      return resultRows<T>(await guardDriverErrors(() => db.execute(statement)));
    },
    ping: () => pingWithin(() => db.execute('select 1')),
    close,
  };
}

/** Whether `database` is PostgreSQL or PGlite (and so has the raw PostgreSQL handle). */
export function isPostgresDatabase(database: Database): database is PostgresDatabase {
  return database.driver !== 'mysql';
}
