/**
 * The PostgreSQL data layer after a connection's backend ends under it (what a server shutdown or
 * restart does to every connection of the pool): the statement in flight fails as
 * `UnavailableError` (503), and the next statement runs on a new connection instead of failing
 * with what the old one left behind. Each case failed before our patch of postgres.js
 * (`patches/postgres@3.4.9.patch`): the old backend's 57P01 was replayed onto the next
 * connection's first query, and a transaction's rollback, written after its connection closed,
 * failed the query waiting for the reconnect (or its statements ran on the new connection, outside
 * any transaction). The patch also drops a write buffered at the close, which kept the next
 * startup message from being sent (CONNECT_TIMEOUT; seen once in the restart test, not provoked
 * here: Bun delivers the close after the pending write in every order tried).
 * Uses a private PostgreSQL cluster; skipped, with the reason in its name, when no server binaries
 * exist, unless DIRACX_REQUIRE_POSTGRES_TESTS=1 makes that a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { UnavailableError } from '../../src/core/errors.ts';
import type { PostgresDatabase } from '../../src/db/database.ts';
import { IN_MEMORY, openDatabase } from '../../src/db/open.ts';
import { postgresServerAvailability, startPrivatePostgres, type PrivatePostgres } from '../harness/postgres-cluster.ts';
import { waitFor } from '../harness/server-process.ts';
import { postgresOf } from '../harness/database.ts';

const availability = postgresServerAvailability();
const required = Bun.env.DIRACX_REQUIRE_POSTGRES_TESTS === '1';

if (!availability.available && !required) {
  const why = `${availability.reason}; set DIRACX_REQUIRE_POSTGRES_TESTS=1 to fail instead`;
  describe.skip(`PostgreSQL connections ended under the pool (skipped: ${why})`, () => {
    it('serves the next statement on a new connection', () => {});
  });
} else {
  describe('PostgreSQL connections ended under the pool', () => {
    let cluster: PrivatePostgres | undefined;
    /** A second client, outside the pool under test: it ends the pool's backends and looks at them. */
    let admin: postgres.Sql;
    /** One connection, so that the statement after the failure reuses the slot that failed. */
    let database: PostgresDatabase;

    beforeAll(async () => {
      if (!availability.available) throw new Error(`DIRACX_REQUIRE_POSTGRES_TESTS=1 but ${availability.reason}`);
      cluster = await startPrivatePostgres();
      admin = postgres(cluster.url, { max: 2, onnotice: () => {} });
      await admin`create table marks (v text not null)`;
      database = await openDatabase({ url: cluster.url, dataDir: IN_MEMORY, poolSize: 1 });
    }, 60_000);

    afterAll(async () => {
      await database?.close();
      await admin?.end({ timeout: 1 });
      await cluster?.destroy();
    }, 60_000);

    const backendPid = async (): Promise<number> => {
      const [row] = await postgresOf(database).query<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      return row!.pid;
    };

    /** Waits until backend `pid` waits on `waitEvent` (it runs the statement), then ends it. */
    const terminateWhenWaiting = async (pid: number, waitEvent: string): Promise<void> => {
      await waitFor(
        async () =>
          (await admin`select 1 from pg_stat_activity where pid = ${pid} and wait_event = ${waitEvent}`).length === 1,
        { timeoutMs: 10_000, intervalMs: 20, description: `backend ${pid} waiting on ${waitEvent}` },
      );
      const [ended] = await admin`select pg_terminate_backend(${pid}) as ok`;
      expect(ended?.ok).toBe(true);
    };

    it('fails the statement in flight as unavailable and runs the next one on a new connection', async () => {
      const pid = await backendPid();
      const sleeping = postgresOf(database)
        .query(sql`select pg_sleep(30)`)
        .catch((err: unknown) => err);
      await terminateWhenWaiting(pid, 'PgSleep');
      expect(await sleeping).toBeInstanceOf(UnavailableError);
      // Not the old backend's "terminating connection" replayed onto the new connection.
      expect(await postgresOf(database).query(sql`select 1 as n`)).toEqual([{ n: 1 }]);
      expect(await backendPid()).not.toBe(pid);
    });

    it('runs nothing of a transaction whose connection ended on the connection that replaced it', async () => {
      const pid = await backendPid();
      const failed = (err: unknown): string => `failed: ${err instanceof Error ? err.message : String(err)}`;
      let callbackDone: (steps: string[]) => void = () => {};
      const callbackSteps = new Promise<string[]>((resolve) => (callbackDone = resolve));
      const transaction = database
        .transaction(async ({ db: tx }) => {
          // A callback that swallows the failure and goes on.
          await tx.execute(sql`select pg_sleep(30)`).catch(() => undefined);
          // The pool's only slot connects again, for a statement outside the transaction.
          const outside = await postgresOf(database)
            .query(sql`select 1 as n`)
            .then(() => 'ran', failed);
          const inside = await tx
            .execute(sql`insert into marks (v) values ('after the end')`)
            .then(() => 'ran', failed);
          callbackDone([outside, inside]);
        })
        .catch((err: unknown) => err);
      await terminateWhenWaiting(pid, 'PgSleep');
      expect(await transaction).toBeInstanceOf(UnavailableError);
      // The statement outside ran; the transaction's statement did not run on the new connection.
      const [outside, inside] = await callbackSteps;
      expect(outside).toBe('ran');
      expect(inside).toStartWith('failed: ');
      expect([...(await admin`select v from marks`)]).toEqual([]);
    });

    it('reconnects after a backend ended while a new statement was being described', async () => {
      // A statement with parameters is described first; the description waits for the lock that
      // another session holds, so the backend ends before answering it, and postgres.js answers
      // the error with a Sync written as the socket closes.
      const holder = await admin.reserve();
      try {
        await holder`begin`;
        await holder`lock table marks in access exclusive mode`;
        const pid = await backendPid();
        const blocked = postgresOf(database)
          .query(sql`select v from marks where v = ${'described'}`)
          .catch((err: unknown) => err);
        await terminateWhenWaiting(pid, 'relation');
        expect(await blocked).toBeInstanceOf(UnavailableError);
      } finally {
        await holder`rollback`;
        holder.release();
      }
      // A reconnect that never sends its startup message fails here with CONNECT_TIMEOUT (5 s).
      expect(await postgresOf(database).query(sql`select v from marks where v = ${'described'}`)).toEqual([]);
    }, 20_000);
  });
}
