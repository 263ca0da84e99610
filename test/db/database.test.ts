/**
 * The database layer on whichever driver the run uses (PGlite by default, PostgreSQL when
 * DATABASE_URL is set): migrations create DiracX's JobDB tables and are idempotent,
 * transactions commit on return and roll back on throw, and an unreachable server is
 * reported as UnavailableError (503), not as an internal error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { IN_MEMORY, openDatabase } from '../../src/db/open.ts';
import { jobJdls, jobs } from '../../src/db/schema/jobs.ts';
import { UnavailableError } from '../../src/core/errors.ts';
import { createTestDatabase, TEST_DRIVER, type TestDatabase, postgresOf } from '../harness/database.ts';
import journal from '../../src/db/migrations/meta/_journal.json';

// The embedded database runs in its worker thread in the server and on the test's thread in
// most tests: both go through the same checks.
const THREADS = TEST_DRIVER === 'pglite' ? (['worker', 'inline'] as const) : ([undefined] as const);

describe.each([...THREADS])(`database (${TEST_DRIVER}, thread: %s)`, (thread) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(thread ? { thread } : {});
  });
  afterAll(() => t.dispose());

  it('uses the driver the environment asks for', () => {
    expect<string>(t.database.driver).toBe(TEST_DRIVER);
  });

  // The JobDB, JobLoggingDB, TaskQueueDB, SandboxMetadataDB, PilotAgentsDB, ResourceStatusDB and AuthDB
  // tables, with DiracX names.
  it('creates the DiracX tables, the registered OAuth clients and the extension migrations record', async () => {
    const rows = await postgresOf(t.database).query<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    // Sorted here: PostgreSQL's collation and PGlite's (C) order mixed-case names differently.
    const names = rows.map((r) => r.table_name).sort();
    expect(names).toEqual([
      'AuthorizationFlows',
      'ClientAssertions',
      'DeviceFlows',
      'ExtensionMigrations',
      'HeartBeatLoggingInfo',
      'InputData',
      'JobCommands',
      'JobJDLs',
      'JobParametersDocs',
      'JobToPilotMapping',
      'Jobs',
      'LoggingInfo',
      'OAuthClients',
      'PilotAgents',
      'PilotOutput',
      'RefreshTokens',
      'ResourceHistory',
      'ResourceLog',
      'ResourceStatus',
      'SiteHistory',
      'SiteLog',
      'SiteStatus',
      'sb_EntityMapping',
      'sb_Owners',
      'sb_SandBoxes',
      'tq_Jobs',
      'tq_TaskQueues',
    ]);
  });

  it('applies migrations idempotently', async () => {
    await migrateDatabase(postgresOf(t.database));
    const rows = await postgresOf(t.database).query<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    // One row per migration of the journal: the second run applied none again.
    expect(journal.entries.length).toBeGreaterThanOrEqual(12);
    expect(rows).toEqual([{ n: journal.entries.length }]);
  });

  it('commits a transaction whose callback returns', async () => {
    const id = await postgresOf(t.database).transaction(async ({ db: tx }) => {
      const [row] = await tx.insert(jobJdls).values({ jdl: '[Executable="x"]' }).returning({ id: jobJdls.jobId });
      await tx.insert(jobs).values({ jobId: row!.id, vo: 'lhcb', owner: 'chaen' });
      return row!.id;
    });
    const found = await postgresOf(t.database).db.select().from(jobs).where(sql`${jobs.jobId} = ${id}`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ owner: 'chaen', status: 'Received', site: 'ANY', verifiedFlag: false });
  });

  it('rolls back everything a throwing transaction wrote', async () => {
    const before = await postgresOf(t.database).db.$count(jobJdls);
    const failure = postgresOf(t.database).transaction(async ({ db: tx }) => {
      await tx.insert(jobJdls).values({ jdl: '[Executable="y"]' });
      throw new Error('boom');
    });
    // Not `expect(failure).rejects`: Bun's matcher stops delivering the embedded database's worker messages.
    expect(await failure.catch((err: unknown) => err)).toMatchObject({ message: 'boom' });
    expect(await postgresOf(t.database).db.$count(jobJdls)).toBe(before);
  });

  it('passes query errors through unchanged (they are not availability problems)', async () => {
    const failure = postgresOf(t.database).transaction(async ({ db: tx }) =>
      tx.execute(sql`select * from "NoSuchTable"`),
    );
    const err = await failure.catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(UnavailableError);
  });

  it('answers a ping', async () => {
    await t.database.ping();
  });
});

describe('database on an unreachable PostgreSQL server', () => {
  it('reports transactions and pings as UnavailableError', async () => {
    const database = await openDatabase({ url: 'postgres://nobody@127.0.0.1:1/none', dataDir: IN_MEMORY, poolSize: 1 });
    try {
      const err = await database.transaction(async ({ db: tx }) => tx.execute(sql`select 1`)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect(err).toMatchObject({ code: 'UNAVAILABLE', message: 'Database unavailable' });
      expect(database.ping()).rejects.toBeInstanceOf(UnavailableError);
    } finally {
      await database.close();
    }
  });
});
