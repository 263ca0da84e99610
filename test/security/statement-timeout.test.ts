/**
 * Attack: a search every limit allows but that keeps the database busy for minutes (see
 * `./expensive-search.ts`). Each statement runs under `DIRACX_DB_STATEMENT_TIMEOUT_MS`: past it
 * the statement is cancelled inside the database (PostgreSQL's `statement_timeout`; on the
 * embedded database, the worker's cancellation, since PGlite's own never fires; MariaDB's
 * `max_statement_time`) and the request answers 503 with `Retry-After` naming the setting (MCP: an
 * `UNAVAILABLE` result); the database then serves the next request and holds what it held; the
 * server log names the driver's code. Migrations are not subject to it (on MariaDB, as the server
 * process migrates: `src/process/open-database.ts`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { IN_MEMORY, openMigratedDatabase } from '../../src/db/open.ts';
import { UnavailableError } from '../../src/core/errors.ts';
import type { Database } from '../../src/db/database.ts';
import { isMysqlDatabase } from '../../src/db/mysql/database.ts';
import { openMigratedConfiguredDatabase } from '../../src/process/open-database.ts';
import { parseSettings } from '../../src/settings.ts';
import { POSTGRES_ONLY, TEST_DRIVER, urlForDatabase } from '../harness/database.ts';
import { createMysqlTestDatabase, mysqlServerEnv } from '../harness/mariadb.ts';
import { EXPENSIVE_ROWS, EXPENSIVE_SEARCH } from './expensive-search.ts';
import { createSearchWorld, type SearchWorld } from './search-world.ts';
import postgres from 'postgres';

const TIMEOUT_MS = 1000;

/**
 * What the driver says of a cancelled statement: PostgreSQL's SQLSTATE 57014 (`query_canceled`),
 * MariaDB's errno 1969 (ER_STATEMENT_TIMEOUT, which mysql2 knows by number only).
 */
const CANCELLED = TEST_DRIVER === 'mariadb' ? { errno: 1969 } : { code: '57014' };

let world: SearchWorld;
beforeAll(async () => {
  world = await createSearchWorld({ jobs: 2, statementTimeoutMs: TIMEOUT_MS });
  await world.seedBulk(EXPENSIVE_ROWS);
});
afterAll(() => world.dispose());

const count = async (): Promise<number> => {
  const res = await world.rest('owner', '/api/jobs/summary', { grouping: ['Owner'] });
  expect(res.status).toBe(200);
  return (res.body as { count: number }[])[0]!.count;
};

describe(`a statement past DIRACX_DB_STATEMENT_TIMEOUT_MS (${TEST_DRIVER})`, () => {
  it('is cancelled and answered 503 with Retry-After naming the setting; the database answers as before', async () => {
    const before = await count();
    expect(before).toBe(EXPENSIVE_ROWS + 2);
    const logged = world.app.logs.length;
    const res = await world.rest('owner', '/api/jobs/search', EXPENSIVE_SEARCH);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('10');
    expect((res.body as { detail: string }).detail).toContain('statement timeout (DIRACX_DB_STATEMENT_TIMEOUT_MS)');
    expect(JSON.stringify(res.body)).not.toContain('57014');
    expect(JSON.stringify(res.body)).not.toContain('1969');
    // The administrator's log says why: the driver's code for a cancelled statement.
    const warning = world.app.logs.slice(logged).find((l) => l.msg === 'dependency unavailable');
    expect(warning).toMatchObject({ level: 'warn', cause: CANCELLED });
    expect(await count()).toBe(before);
    const mine = await world.rest('owner', '/api/jobs/search', {
      parameters: ['JobID'],
      search: [{ parameter: 'JobName', operator: 'like', value: 'search-%' }],
    });
    expect(mine.status).toBe(200);
    expect((mine.body as { JobID: number }[]).map((r) => r.JobID).sort()).toEqual([...world.jobIds].sort());
  });

  it('is an UNAVAILABLE result from the MCP tool search_jobs', async () => {
    const [first, ...rest] = EXPENSIVE_SEARCH.search;
    const outcome = await world.tool('owner', 'search_jobs', {
      ...first,
      extra_conditions: JSON.stringify(rest),
      result_fields: ['JobID'],
    });
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toContain('UNAVAILABLE: Database statement timed out');
    expect(outcome.text).toContain('DIRACX_DB_STATEMENT_TIMEOUT_MS');
  });
});

describe('migrations', () => {
  it.skipIf(POSTGRES_ONLY)(
    'run free of the statement timeout, which then bounds the requests (PostgreSQL, embedded database)',
    async () => {
      const baseUrl = Bun.env.DATABASE_URL;
      const dbName = `t_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
      const admin = baseUrl ? postgres(baseUrl, { max: 1, onnotice: () => {} }) : undefined;
      await admin?.unsafe(`CREATE DATABASE "${dbName}"`);
      // 1 ms on the embedded database: most migration statements would not fit in it. On PostgreSQL
      // 20 ms: at 1 ms the driver's own start-up query (its type lookup) is cancelled too.
      const options = baseUrl
        ? { url: urlForDatabase(baseUrl, dbName), dataDir: IN_MEMORY, poolSize: 1, statementTimeoutMs: 20 }
        : { dataDir: IN_MEMORY, statementTimeoutMs: 1 };
      const database = await openMigratedDatabase(options, (db) => migrateDatabase(db));
      try {
        // Read back without the timeout on PostgreSQL (1 ms can cancel even this there). The
        // embedded database has one connection, under the 1 ms timeout: on a loaded machine even
        // this read can be cancelled, so it is tried again until it fits.
        const reader = baseUrl ? postgres(urlForDatabase(baseUrl, dbName), { max: 1, onnotice: () => {} }) : undefined;
        const readEmbedded = async (): Promise<{ n: number }[]> => {
          for (let attempt = 1; ; attempt++) {
            const rows = await database
              .query<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
              .catch((err: unknown) => err);
            if (!(rows instanceof UnavailableError) || attempt === 100) return rows as { n: number }[];
          }
        };
        const applied = reader
          ? await reader
              .unsafe('select count(*)::int as n from drizzle.__drizzle_migrations')
              .finally(() => reader.end())
          : await readEmbedded();
        expect(applied[0]?.n).toBeGreaterThan(5);
        const slow = await database
          .query(sql`select count(*) from generate_series(1, 50000000)`)
          .catch((err: unknown) => err);
        expect(slow).toBeInstanceOf(UnavailableError);
      } finally {
        await database.close();
        await admin?.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
        await admin?.end();
      }
      // An empty embedded database in its worker thread, then every migration: the suite's slowest
      // database set-up, and on a loaded machine (parallel test workers) more than the default 60 s.
    },
    180_000,
  );

  // DiracX's databases and our own, migrated as the server process does: through a connection
  // without the timeout, before the served pool (under 1 ms, which every migration exceeds).
  it.skipIf(TEST_DRIVER !== 'mariadb')(
    'run free of the statement timeout on MariaDB, as the server starts',
    async () => {
      const fresh = await createMysqlTestDatabase({ migrate: false });
      const settings = parseSettings(mysqlServerEnv(fresh.set, fresh.own));
      let database: Database | undefined;
      try {
        database = await openMigratedConfiguredDatabase(
          settings,
          { poolSize: 1, statementTimeoutMs: 1 },
          async () => {},
        );
        if (!isMysqlDatabase(database)) throw new Error(`the server opened ${database.driver}, not MySQL`);
        const journal = sql.raw(`\`${fresh.own}\`.\`__drizzle_migrations\``);
        const [applied] = await fresh.database.query<{ n: number }>(sql`SELECT COUNT(*) AS n FROM ${journal}`);
        expect(Number(applied?.n)).toBeGreaterThan(0);
        const [jobs] = await fresh.database.query<{ n: number }>(
          sql`SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${fresh.set.names.JobDB}`,
        );
        expect(Number(jobs?.n)).toBeGreaterThan(5);
        const slow = await database
          .query(sql`SELECT SLEEP(3) AS s FROM information_schema.TABLES LIMIT 1`)
          .catch((err: unknown) => err);
        expect(slow).toBeInstanceOf(UnavailableError);
      } finally {
        await database?.close();
        await fresh.dispose();
      }
    },
    60_000,
  );
});
