/**
 * The worker's request-scoped database, run here under Bun against a real PostgreSQL: each
 * request gets its own connections, an event-stream body may still query after the handler
 * returned and its connections end with the stream, and use outside or after a request fails
 * loudly instead of leaking a connection into another request (which workerd forbids).
 * Skipped, with the reason in its name, without PostgreSQL, unless DIRACX_REQUIRE_WORKERS_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { requestScopedDatabase, type RequestScopedDatabase } from '../../src/workers-entry/database.ts';
import {
  createWorkerTestDatabase,
  postgresAvailability,
  WORKERS_TESTS_REQUIRED,
  type WorkerTestDatabase,
} from './harness.ts';
import { postgresOf } from '../harness/database.ts';

const pg = postgresAvailability();

/** Backends connected to the test database other than `admin`'s own. */
async function connections(admin: postgres.Sql, dbName: string): Promise<number> {
  const [row] = await admin<
    { n: number }[]
  >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${dbName} AND pid <> pg_backend_pid()`;
  return row?.n ?? -1;
}

async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await Bun.sleep(20);
  }
  return false;
}

if (!pg.available && !WORKERS_TESTS_REQUIRED) {
  const skippedTitle =
    `the worker's request-scoped database (skipped: ${pg.reason}; ` +
    `set DIRACX_REQUIRE_WORKERS_TESTS=1 to fail instead)`;
  describe.skip(skippedTitle, () => {
    it('gives each request its own connections', () => {});
  });
} else {
  describe("the worker's request-scoped database (PostgreSQL over TCP)", () => {
    let db: WorkerTestDatabase | undefined;
    let admin: postgres.Sql;
    let dbName: string;
    let scoped: RequestScopedDatabase;
    const pending: Promise<unknown>[] = [];
    const waitUntil = (p: Promise<unknown>): void => void pending.push(p);

    beforeAll(async () => {
      if (!pg.available) throw new Error(`DIRACX_REQUIRE_WORKERS_TESTS=1 but ${pg.reason}`);
      db = await createWorkerTestDatabase([]);
      dbName = new URL(db.url).pathname.slice(1);
      admin = postgres(db.url, { max: 1, onnotice: () => {} });
      scoped = requestScopedDatabase(db.url, 10);
    });
    afterAll(async () => {
      await Promise.allSettled(pending);
      await admin?.end();
      await db?.dispose();
    });

    it('opens connections for a request that queries and ends them after its JSON response', async () => {
      const res = await scoped.serve(async () => {
        const rows = await postgresOf(scoped.database).query<{ one: number }>(sql`SELECT 1 AS one`);
        return Response.json(rows);
      }, waitUntil);
      expect(await res.json()).toEqual([{ one: 1 }]);
      await Promise.all(pending);
      expect(await eventually(async () => (await connections(admin, dbName)) === 0)).toBe(true);
    });

    it('lets an event stream query after the handler returned, and ends its connections with the stream', async () => {
      const res = await scoped.serve(async () => {
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const [row] = await postgresOf(scoped.database).query<{ two: number }>(sql`SELECT 2 AS two`);
            controller.enqueue(new TextEncoder().encode(`data: ${row?.two}\n\n`));
            controller.close();
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      }, waitUntil);
      expect(await res.text()).toBe('data: 2\n\n');
      await Promise.all(pending);
      expect(await eventually(async () => (await connections(admin, dbName)) === 0)).toBe(true);
    });

    it('keeps requests apart: concurrent requests each get their own connections', async () => {
      const pids = await Promise.all(
        [0, 1, 2].map(async () => {
          let pid = 0;
          await scoped.serve(async () => {
            const [row] = await postgresOf(scoped.database).query<{ pid: number }>(
              sql`SELECT pg_backend_pid() AS pid, pg_sleep(0.05)`,
            );
            pid = row?.pid ?? 0;
            return new Response(null, { status: 204 });
          }, waitUntil);
          return pid;
        }),
      );
      expect(new Set(pids).size).toBe(3);
    });

    it('fails loudly when used outside a request or after its response', async () => {
      expect(() => postgresOf(scoped.database).db).toThrow('outside a request');
      // A timer started by the request still runs in its context, after the response.
      let late: Promise<unknown> | undefined;
      await scoped.serve(async () => {
        late = new Promise((resolve) =>
          setTimeout(() => {
            try {
              resolve(postgresOf(scoped.database).db);
            } catch (err) {
              resolve(err);
            }
          }, 20),
        );
        return Response.json({});
      }, waitUntil);
      expect(String(await late)).toContain('after its request ended');
    });
  });
}
