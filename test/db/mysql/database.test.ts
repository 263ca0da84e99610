/**
 * MySQL/MariaDB as the data layer opens it: migrations of our own database and the creation of
 * DiracX's tables in a standalone installation (under GET_LOCK, idempotent, never finishing a
 * half-created DiracX database), tables qualified by database name, UTC times as DiracX stores
 * them, and mysql2's errors as domain errors (too long: 400; statement timeout and a lost
 * connection: 503). Needs MariaDB; skips without it unless DIRACX_REQUIRE_MARIADB_TESTS=1.
 */
import { expect, it } from 'bun:test';
import { eq, sql } from 'drizzle-orm';
import { InvalidInputError, UnavailableError } from '../../../src/core/errors.ts';
import { STATEMENT_TIMED_OUT } from '../../../src/db/driver-errors.ts';
import { diracxTableNames, migrateMysql, PartialDiracxDatabaseError } from '../../../src/db/mysql/migrate.ts';
import { SQL_DATABASES } from '../../../src/db/mysql/schema/index.ts';
import {
  connectServer,
  createMysqlTestDatabase,
  describeOnMariadb,
  MARIADB_SERVER_URL,
  type MysqlTestDatabase,
} from '../../harness/mariadb.ts';
import { startTcpProxy } from '../../harness/tcp-proxy.ts';

async function tablesOf(t: MysqlTestDatabase, schema: string): Promise<string[]> {
  const rows = await t.database.query<{ name: string }>(
    sql`SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${schema} ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

await describeOnMariadb('MySQL/MariaDB database', (t) => {
  it("creates our tables in our database and DiracX's in each of its own", async () => {
    expect(await tablesOf(t, t.own)).toEqual([
      'AuthorizationFlowExtras',
      'ClientAssertions',
      'ExtensionMigrations',
      'JobParametersDocs',
      'OAuthClients',
      '__drizzle_migrations',
    ]);
    for (const db of SQL_DATABASES) {
      expect((await tablesOf(t, t.set.names[db])).sort()).toEqual(diracxTableNames(db).sort());
    }
  });

  it('migrates again, and from two instances at once, without changing anything', async () => {
    const [journal] = await t.database.query<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM ${sql.identifier(t.own)}.__drizzle_migrations`,
    );
    // A lock of this test's own, so that other test processes' migrations cannot hold it.
    const lockName = `test-${t.own}`;
    await Promise.all([migrateMysql(t.database, { lockName }), migrateMysql(t.database, { lockName })]);
    const [after] = await t.database.query<{ n: number }>(
      sql`SELECT COUNT(*) AS n FROM ${sql.identifier(t.own)}.__drizzle_migrations`,
    );
    expect(Number(after?.n)).toBe(Number(journal?.n));
    expect(Number(after?.n)).toBeGreaterThan(0);
    // The lock is free again afterwards.
    const [lock] = await t.database.query<{ free: number }>(sql`SELECT IS_FREE_LOCK(${lockName}) AS free`);
    expect(Number(lock?.free)).toBe(1);
  });

  it('reaches every database through qualified tables, with naive UTC times as DiracX stores them', async () => {
    const { jobJdls, jobs, loggingInfo } = t.database.tables;
    const submitted = new Date('2026-12-06T07:08:09.000Z');
    const jobId = await t.database.transaction(async ({ db: tx }) => {
      const [inserted] = await tx.insert(jobJdls).values({ jdl: '[]', jobRequirements: '', originalJdl: '[]' });
      const id = inserted.insertId;
      await tx.insert(jobs).values({ jobId: id, vo: 'lhcb', owner: 'chaen', submissionTime: submitted });
      await tx.insert(loggingInfo).values({ jobId: id, seqNum: 1, status: 'Received', statusTime: submitted });
      return id;
    });
    const [raw] = await t.database.query<{ t: string; flag: string; site: string }>(
      sql`SELECT CAST(SubmissionTime AS CHAR) AS t, VerifiedFlag AS flag, Site AS site
          FROM ${sql.identifier(t.set.names.JobDB)}.Jobs WHERE JobID = ${jobId}`,
    );
    expect(raw).toEqual({ t: '2026-12-06 07:08:09', flag: 'False', site: 'ANY' });
    const [row] = await t.database.db.select().from(jobs).where(eq(jobs.jobId, jobId));
    expect(row?.submissionTime?.toISOString()).toBe(submitted.toISOString());
    const [logged] = await t.database.db.select().from(loggingInfo).where(eq(loggingInfo.jobId, jobId));
    expect(logged?.status).toBe('Received');
  });

  it('refuses a value longer than its column with InvalidInputError, storing nothing', async () => {
    const { jobJdls, jobs } = t.database.tables;
    const before = await t.database.db.select({ id: jobs.jobId }).from(jobs);
    const attempt = t.database.transaction(async ({ db: tx }) => {
      const [inserted] = await tx.insert(jobJdls).values({ jdl: '[]', jobRequirements: '', originalJdl: '[]' });
      await tx.insert(jobs).values({ jobId: inserted.insertId, vo: 'x'.repeat(33) });
    });
    expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await attempt.catch(() => {});
    expect(await t.database.db.select({ id: jobs.jobId }).from(jobs)).toEqual(before);
  });

  it('stops a statement past the statement timeout with UnavailableError', async () => {
    const slow = await createMysqlTestDatabase({ migrate: false, statementTimeoutMs: 200 });
    try {
      const attempt = slow.database.query(sql`SELECT SLEEP(3) AS s FROM information_schema.TABLES LIMIT 1`);
      expect(attempt).rejects.toThrow(STATEMENT_TIMED_OUT);
      expect(attempt).rejects.toBeInstanceOf(UnavailableError);
      await attempt.catch(() => {});
    } finally {
      await slow.dispose();
    }
  });

  it('answers UnavailableError when the server cannot be reached, and works again once it can', async () => {
    const proxy = startTcpProxy(Number(new URL(MARIADB_SERVER_URL).port || 3306));
    const cut = await createMysqlTestDatabase({ migrate: false, port: proxy.port });
    try {
      await cut.database.ping();
      proxy.fail('refuse');
      expect(cut.database.ping()).rejects.toBeInstanceOf(UnavailableError);
      expect(cut.database.query(sql`SELECT 1 AS one`)).rejects.toBeInstanceOf(UnavailableError);
      await cut.database.query(sql`SELECT 1 AS one`).catch(() => {});
      proxy.restore();
      expect(await cut.database.query(sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    } finally {
      await cut.dispose();
      proxy.stop();
    }
  });

  it("refuses to finish a DiracX database that has only some of DiracX's tables, changing nothing", async () => {
    const partial = await createMysqlTestDatabase({ migrate: false });
    const server = await connectServer();
    try {
      const jobDb = partial.set.names.JobDB;
      await server.query(`CREATE TABLE \`${jobDb}\`.JobJDLs (JobID int AUTO_INCREMENT PRIMARY KEY)`);
      const lockName = `test-${partial.own}`;
      const attempt = migrateMysql(partial.database, { lockName });
      expect(attempt).rejects.toBeInstanceOf(PartialDiracxDatabaseError);
      expect(attempt).rejects.toThrow(/JobDB .* lacks Jobs, InputData/);
      await attempt.catch(() => {});
      expect(await tablesOf(partial, jobDb)).toEqual(['JobJDLs']);
      // The lock was released on the way out.
      const [lock] = await partial.database.query<{ free: number }>(sql`SELECT IS_FREE_LOCK(${lockName}) AS free`);
      expect(Number(lock?.free)).toBe(1);
    } finally {
      await server.end();
      await partial.dispose();
    }
  });
});
