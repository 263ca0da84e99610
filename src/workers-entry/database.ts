/**
 * @module workers-entry/database
 * PostgreSQL for a worker: postgres.js, whose `workerd` build talks over `cloudflare:sockets`
 * (and needs the `nodejs_compat` flag for `node:buffer`, `node:stream` and `node:events`).
 *
 * Workers bind every socket to the request that opened it: a pool kept by the isolate fails on
 * the next request ("Cannot perform I/O on behalf of a different request"). So the `Database`
 * handed to `createHandler` has no connections of its own: each request gets its own postgres.js
 * client (found through `AsyncLocalStorage`, opened on first use), ended once the response body
 * has been sent. With Hyperdrive that is the intended pattern (it pools towards PostgreSQL);
 * without it, each request that touches the database opens its own connection.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type Db, type PostgresDatabase, wrapDatabase } from '../db/database.ts';
import type { PostgresSession } from '../db/session.ts';
import { schema } from '../db/schema/index.ts';

/** Workers allow six simultaneous outgoing connections per request; one is left for fetch. */
export const MAX_CONNECTIONS_PER_REQUEST = 5;

interface RequestConnections {
  opened?: { sql: postgres.Sql; database: PostgresDatabase };
  /** Set once the response is complete; a later use is a bug and fails loudly. */
  ended: boolean;
}

export interface RequestScopedDatabase {
  /** The database for `createHandler`: each call goes to the current request's connections. */
  readonly database: PostgresDatabase;
  /**
   * Runs `serve` with connections of its own and ends them (through `waitUntil`) when the
   * response body is done: streamed MCP responses may still query after `serve` returns.
   */
  serve(serve: () => Promise<Response>, waitUntil: (promise: Promise<unknown>) => void): Promise<Response>;
}

/**
 * `statementTimeoutMs` (0: none) bounds every statement of the request's connections
 * (PostgreSQL's `statement_timeout`); a statement that runs longer is cancelled (a 503).
 */
export function requestScopedDatabase(
  url: string,
  maxConnections: number,
  statementTimeoutMs = 0,
): RequestScopedDatabase {
  const storage = new AsyncLocalStorage<RequestConnections>();
  const max = Math.max(1, Math.min(maxConnections, MAX_CONNECTIONS_PER_REQUEST));
  const current = (): PostgresDatabase => {
    const scope = storage.getStore();
    if (!scope) throw new Error('the worker database was used outside a request');
    if (scope.ended) throw new Error('the worker database was used after its request ended');
    if (!scope.opened) {
      // connect_timeout: fail fast so readiness turns 503 quickly when PostgreSQL is down.
      const sql = postgres(url, {
        max,
        connect_timeout: 5,
        idle_timeout: 20,
        onnotice: () => {},
        ...(statementTimeoutMs > 0 ? { connection: { statement_timeout: statementTimeoutMs } } : {}),
      });
      scope.opened = {
        sql,
        database: wrapDatabase('postgres', drizzle({ client: sql, schema }), () => sql.end({ timeout: 5 })),
      };
    }
    return scope.opened.database;
  };
  const database: PostgresDatabase = {
    driver: 'postgres',
    get db(): Db {
      return current().db;
    },
    get session(): PostgresSession {
      return current().session;
    },
    transaction: (fn) => current().transaction(fn),
    query: (statement) => current().query(statement),
    ping: () => current().ping(),
    // Nothing outlives a request; each request's connections are ended by `serve`.
    close: async () => {},
  };
  return {
    database,
    serve: async (serve, waitUntil) => {
      const scope: RequestConnections = { ended: false };
      const end = (): void => {
        if (scope.ended) return;
        scope.ended = true;
        if (scope.opened) waitUntil(scope.opened.database.close().catch(() => undefined));
      };
      let response: Response;
      try {
        response = await storage.run(scope, serve);
      } catch (err) {
        end();
        throw err;
      }
      // An event stream (MCP) is written after `serve` returns, and its tools may still query:
      // its connections end with the stream. Every other body is complete by now.
      if (!response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        end();
        return response;
      }
      const reader = response.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const chunk = await reader.read();
            if (chunk.done) {
              controller.close();
              end();
            } else {
              controller.enqueue(chunk.value);
            }
          } catch (err) {
            controller.error(err);
            end();
          }
        },
        cancel(reason) {
          end();
          return reader.cancel(reason);
        },
      });
      return new Response(body, response);
    },
  };
}
