/**
 * @module db/open
 * Opens the database for the server process: postgres.js when a URL is given, embedded PGlite
 * otherwise (persisted in a directory, or in memory with `memory://`), run in a worker thread
 * (`./pglite/client.ts`) so that a slow statement never holds the thread that answers requests.
 * Both run statements under the statement timeout. The embedded database can also run on the
 * calling thread (`thread: 'inline'`, no statement timeout): for throw-away databases that serve
 * no concurrent requests, such as the test suite's. Process-side only; the request handler
 * receives the opened `Database`.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { mkdirSync } from 'node:fs';
import postgres from 'postgres';
import { type PostgresDatabase, wrapDatabase } from './database.ts';
import { PgliteWorkerClient } from './pglite/client.ts';
import { schema } from './schema/index.ts';

export interface OpenDatabaseOptions {
  /** A `postgres://` URL; when absent the embedded database is used. */
  url?: string | undefined;
  /** Directory of the embedded database, or `memory://` for a throw-away in-memory one. */
  dataDir: string;
  /** Connections in the postgres.js pool. */
  poolSize?: number;
  /**
   * Longest a statement may run, in milliseconds (`DIRACX_DB_STATEMENT_TIMEOUT_MS`); 0 or absent:
   * no limit. PostgreSQL cancels a statement past it (SQLSTATE 57014, answered 503).
   */
  statementTimeoutMs?: number;
  /**
   * Where the embedded database runs: `worker` (default; a thread of its own, statements under
   * the timeout) or `inline` (on the calling thread, which a slow statement then holds; no
   * timeout).
   */
  thread?: 'worker' | 'inline';
}

export const IN_MEMORY = 'memory://';

/** Opens (without migrating) the database the options name. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<PostgresDatabase> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10, options.statementTimeoutMs ?? 0);
  if (options.thread === 'inline') return openInlinePglite(options.dataDir);
  return (await openPglite(options.dataDir, options.statementTimeoutMs ?? 0)).database;
}

/**
 * Opens the database the options name and applies `migrate` to it first, free of the statement
 * timeout (a migration may rewrite a large table): on PostgreSQL through a connection of its
 * own, closed before the served pool (with the timeout) opens.
 */
export async function openMigratedDatabase(
  options: OpenDatabaseOptions,
  migrate: (database: PostgresDatabase) => Promise<void>,
): Promise<PostgresDatabase> {
  if (options.url) {
    const migrating = await openDatabase({ ...options, poolSize: 1, statementTimeoutMs: 0 });
    try {
      await migrate(migrating);
    } finally {
      await migrating.close();
    }
    return openDatabase(options);
  }
  if (options.thread === 'inline') {
    const database = await openInlinePglite(options.dataDir);
    await migrate(database).catch(async (err: unknown) => {
      await database.close();
      throw err;
    });
    return database;
  }
  // One embedded instance: migrate with no timeout, then set it for the requests.
  const { database, client } = await openPglite(options.dataDir, 0);
  try {
    await migrate(database);
  } catch (err) {
    await database.close();
    throw err;
  }
  client.setStatementTimeout(options.statementTimeoutMs ?? 0);
  return database;
}

function openPostgres(url: string, max: number, statementTimeoutMs: number): PostgresDatabase {
  const sql = postgres(url, {
    max,
    // Fail fast when PostgreSQL is down so readiness turns 503 quickly; postgres.js reconnects
    // by itself on the next query once the server is back.
    connect_timeout: 5,
    // postgres.js waits up to 20 s (growing with every failed attempt during an outage) before
    // a closed connection tries again; queries queued on it would wait that long after the
    // database is back. Retrying a refused connection is cheap: at most one second apart.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    idle_timeout: 60,
    onnotice: () => {},
    // Sent at connection start: every statement of every request runs under it.
    ...(statementTimeoutMs > 0 ? { connection: { statement_timeout: statementTimeoutMs } } : {}),
  });
  const db = drizzlePostgres({ client: sql, schema });
  return wrapDatabase('postgres', db, () => sql.end({ timeout: 5 }));
}

async function openPglite(
  dataDir: string,
  statementTimeoutMs: number,
): Promise<{ database: PostgresDatabase; client: PgliteWorkerClient }> {
  if (dataDir !== IN_MEMORY) mkdirSync(dataDir, { recursive: true });
  const client = await PgliteWorkerClient.open({
    dataDir: dataDir === IN_MEMORY ? undefined : dataDir,
    statementTimeoutMs,
  });
  // drizzle's PGlite driver calls only `query`, `transaction` (whose argument gets `query`) and,
  // for raw statements, `exec`: the worker client implements exactly those.
  const db = drizzlePglite({ client: client as unknown as PGlite, schema });
  return { database: wrapDatabase('pglite', db, () => client.close()), client };
}

async function openInlinePglite(dataDir: string): Promise<PostgresDatabase> {
  if (dataDir !== IN_MEMORY) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir === IN_MEMORY ? undefined : dataDir);
  await client.waitReady;
  return wrapDatabase('pglite', drizzlePglite({ client, schema }), () => client.close());
}
