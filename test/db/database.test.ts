/**
 * The database layer on whichever driver the run uses (PGlite by default, PostgreSQL when
 * DATABASE_URL is set, DiracX's databases on MariaDB in the MariaDB mode): migrations create
 * DiracX's JobDB tables and are idempotent (PostgreSQL's; MySQL's in test/db/mysql/database),
 * transactions commit on return and roll back on throw, and an unreachable server is reported as
 * UnavailableError (503), not as an internal error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { IN_MEMORY, openDatabase } from '../../src/db/open.ts';
import { allocateJobIds, insertSubmittedJobs, type SubmittedJob } from '../../src/db/job-submission.ts';
import { UnavailableError } from '../../src/core/errors.ts';
import { createTestDatabase, POSTGRES_ONLY, postgresOf, TEST_DRIVER, type TestDatabase } from '../harness/database.ts';
import { countJobs, readJobRow } from '../harness/job-rows.ts';
import journal from '../../src/db/migrations/meta/_journal.json';

// The embedded database runs in its worker thread in the server and on the test's thread in
// most tests: both go through the same checks.
const THREADS = TEST_DRIVER === 'pglite' ? (['worker', 'inline'] as const) : ([undefined] as const);

/** A job with nothing but its owner and VO given: the rest is the schema's defaults. */
const bareJob = (jobId: number): SubmittedJob => ({
  jdl: { jobId, jdl: '[Executable="x"]', jobRequirements: '', originalJdl: '[Executable="x"]' },
  job: { jobId, vo: 'lhcb', owner: 'chaen' },
  inputData: [],
  logging: { jobId, status: 'Received', minorStatus: '', applicationStatus: '', timeUs: 0, source: 'test' },
});

describe.each([...THREADS])(`database (${TEST_DRIVER}, thread: %s)`, (thread) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(thread ? { thread } : {});
  });
  afterAll(() => t.dispose());

  it('uses the driver the environment asks for', () => {
    expect<string>(t.database.driver).toBe(TEST_DRIVER === 'mariadb' ? 'mysql' : TEST_DRIVER);
  });

  // The JobDB, JobLoggingDB, TaskQueueDB, SandboxMetadataDB, PilotAgentsDB, ResourceStatusDB and AuthDB
  // tables, with DiracX names.
  it.skipIf(POSTGRES_ONLY)(
    "creates PostgreSQL's DiracX tables, OAuth clients, extension migrations (MySQL's: test/db/mysql/database)",
    async () => {
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
    },
  );

  it.skipIf(POSTGRES_ONLY)(
    "applies PostgreSQL's migrations idempotently (MySQL's: test/db/mysql/database)",
    async () => {
      await migrateDatabase(postgresOf(t.database));
      const rows = await postgresOf(t.database).query<{ n: number }>(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      // One row per migration of the journal: the second run applied none again.
      expect(journal.entries.length).toBeGreaterThanOrEqual(12);
      expect(rows).toEqual([{ n: journal.entries.length }]);
    },
  );

  it('commits a transaction whose callback returns', async () => {
    const id = await t.database.transaction(async (tx) => {
      const [jobId] = await allocateJobIds(tx, 1);
      await insertSubmittedJobs(tx, [bareJob(jobId!)]);
      return jobId!;
    });
    expect(await readJobRow(t.database, id)).toMatchObject({
      owner: 'chaen',
      status: 'Received',
      site: 'ANY',
      verifiedFlag: false,
    });
  });

  it('rolls back everything a throwing transaction wrote', async () => {
    const before = await countJobs(t.database);
    const failure = t.database.transaction(async (tx) => {
      const [jobId] = await allocateJobIds(tx, 1);
      await insertSubmittedJobs(tx, [bareJob(jobId!)]);
      throw new Error('boom');
    });
    // Not `expect(failure).rejects`: Bun's matcher stops delivering the embedded database's worker messages.
    expect(await failure.catch((err: unknown) => err)).toMatchObject({ message: 'boom' });
    expect(await countJobs(t.database)).toBe(before);
  });

  it('passes query errors through unchanged (they are not availability problems)', async () => {
    const failure = t.database.transaction((tx) =>
      tx.dialect === 'mysql'
        ? tx.db.execute(sql`select * from NoSuchTable`)
        : tx.db.execute(sql`select * from "NoSuchTable"`),
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
