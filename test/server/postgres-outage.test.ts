/**
 * Acceptance: stopping PostgreSQL while the server runs turns readiness to 503 (the log naming
 * the driver's error code), and starting it again turns it back to 200 without a restart. Uses
 * a private PostgreSQL cluster (never the machine's shared one); skipped, with the reason in its
 * name, when no server binaries exist, unless DIRACX_REQUIRE_POSTGRES_TESTS=1 makes that a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { postgresServerAvailability, startPrivatePostgres, type PrivatePostgres } from '../harness/postgres-cluster.ts';
import { startServer, waitFor, type RunningServer } from '../harness/server-process.ts';

const availability = postgresServerAvailability();
const required = Bun.env.DIRACX_REQUIRE_POSTGRES_TESTS === '1';

interface Probe {
  status: number;
  body: unknown;
}

async function probe(server: RunningServer, path: string): Promise<Probe> {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, body: (await res.json()) as unknown };
}

/** Resolves true when `exited` has not settled yet, i.e. the process is still the same one. */
async function stillRunning(server: RunningServer): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([server.exited, Promise.resolve(pending)])) === pending;
}

if (!availability.available && !required) {
  const skippedTitle = [
    `PostgreSQL outage (skipped: ${availability.reason};`,
    `set DIRACX_REQUIRE_POSTGRES_TESTS=1 to fail instead)`,
  ].join(' ');
  describe.skip(skippedTitle, () => {
    it('turns readiness to 503 and back to 200 without a restart', () => {});
  });
} else {
  describe('PostgreSQL outage while the server runs', () => {
    let cluster: PrivatePostgres | undefined;
    let server: RunningServer | undefined;
    const running = (): RunningServer => {
      if (!server) throw new Error('server did not start');
      return server;
    };

    beforeAll(async () => {
      if (!availability.available) {
        throw new Error(`DIRACX_REQUIRE_POSTGRES_TESTS=1 but the outage test cannot run: ${availability.reason}`);
      }
      cluster = await startPrivatePostgres();
      server = await startServer({ DATABASE_URL: cluster.url });
    });
    afterAll(async () => {
      await server?.stop().catch(() => undefined);
      await cluster?.destroy();
    });

    it('serves readiness 200 on PostgreSQL', async () => {
      const ready = await probe(running(), 'api/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready' });
      expect(
        running()
          .logs()
          .find((line) => line.msg === 'listening')?.database,
      ).toBe('postgres');
    });

    it('turns readiness to 503 while PostgreSQL is stopped and keeps liveness at 200', async () => {
      await cluster?.stop();
      const ready = await waitFor(
        async () => {
          const current = await probe(running(), 'api/health/ready');
          return current.status === 503 ? current : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 250, description: 'readiness 503' },
      );
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ detail: 'AuthDB ping failed' });
      // The log says why (the driver's code: a refused connection, an administrator shutdown ...).
      const warning = running()
        .logs()
        .find((line) => line.msg === 'dependency unavailable' && line.detail === 'AuthDB ping failed');
      expect(warning?.cause).toMatchObject({ code: expect.stringMatching(/^(E[A-Z]+|CONNECTION_[A-Z]+|57P0\d)$/) });
      const live = await probe(running(), 'api/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'live' });
    });

    it('turns readiness back to 200 once PostgreSQL is started again, in the same process', async () => {
      await cluster?.start();
      const ready = await waitFor(
        async () => {
          const current = await probe(running(), 'api/health/ready');
          return current.status === 200 ? current : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 250, description: 'readiness 200' },
      );
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready' });
      expect(await stillRunning(running())).toBe(true);
      expect(
        running()
          .logs()
          .filter((line) => line.msg === 'listening'),
      ).toHaveLength(1);
    });

    it('exits 0 on SIGTERM after the outage', async () => {
      const code = await running().stop('SIGTERM');
      expect(code).toBe(0);
      expect(running().logs().at(-1)?.msg).toBe('stopped');
    });
  });
}
