/**
 * The server process and `bun run migrate` with DiracX's MySQL databases (needs MariaDB; skips
 * without it unless DIRACX_REQUIRE_MARIADB_TESTS=1): the server migrates empty databases, serves,
 * and writes a submitted job and its history into DiracX's own tables; a server that cannot reach
 * the databases stops with one line; `bun run migrate` creates our tables and DiracX's in empty
 * databases, and stops on a half-configured set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { resolve } from 'node:path';
import type mysql from 'mysql2/promise';
import { SQL_DATABASES } from '../../src/db/mysql/schema/index.ts';
import {
  connectServer,
  createDatabaseSet,
  type DatabaseSet,
  MARIADB_TESTS_REQUIRED,
  mariadbAvailability,
  mysqlServerEnv,
} from '../harness/mariadb.ts';
import { runServerExpectingFailure, serverToken, startMcpServerProcess } from '../harness/server-process.ts';

const ROOT = resolve(import.meta.dir, '../..');

async function runMigrate(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn({
    cmd: [process.execPath, 'run', 'src/db/migrate-cli.ts'],
    cwd: ROOT,
    env: { PATH: Bun.env.PATH ?? '/usr/bin:/bin', HOME: Bun.env.HOME ?? '/tmp', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

describe('server with DiracX MySQL databases it cannot reach', () => {
  it('stops with one line naming the database, listening on nothing', async () => {
    const names = Object.fromEntries(SQL_DATABASES.map((db) => [db, `nowhere_${db}`])) as DatabaseSet['names'];
    const env = Object.fromEntries(
      Object.entries(mysqlServerEnv({ names }, 'nowhere_own')).map(([k, v]) => [k, v.replace(/:\d+\//, ':1/')]),
    );
    const { code, stderr, stdout } = await runServerExpectingFailure(env);
    expect(code).toBe(1);
    expect(stdout.filter((line) => line.includes('"listening"'))).toEqual([]);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toStartWith('diracx: cannot start: database: ');
  });
});

const mariadb = await mariadbAvailability();
if (!mariadb.available && !MARIADB_TESTS_REQUIRED) {
  describe('bun run migrate and the server on MySQL', () => {
    const why = `${mariadb.reason}; DIRACX_REQUIRE_MARIADB_TESTS=1 fails instead`;
    it.skip(`create our tables and DiracX's, and serve (skipped: ${why})`, () => {});
  });
} else {
  describe('bun run migrate and the server on MySQL', () => {
    let connection: mysql.Connection;
    let set: DatabaseSet;
    let own = '';

    beforeAll(async () => {
      if (!mariadb.available) throw new Error(`DIRACX_REQUIRE_MARIADB_TESTS=1 but ${mariadb.reason}`);
      connection = await connectServer();
      set = await createDatabaseSet(connection, 'mig');
      own = `${set.names.JobDB.replace(/_JobDB$/, '')}_own`;
      await connection.query(`CREATE DATABASE \`${own}\``);
    });
    afterAll(async () => {
      await set?.drop();
      if (own) await connection?.query(`DROP DATABASE IF EXISTS \`${own}\``);
      await connection?.end();
    });

    const tableCount = async (schema: string): Promise<number> => {
      const [rows] = await connection.query(
        'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
        [schema],
      );
      return Number((rows as { n: number }[])[0]?.n);
    };

    it('stops on a half-configured set, naming the missing variable, creating nothing', async () => {
      const env = mysqlServerEnv(set, own);
      delete env.DIRACX_DB_URL_JOBDB;
      const run = await runMigrate(env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('DIRACX_DB_URL_JOBDB=<redacted> is invalid: is required');
      expect(await tableCount(own)).toBe(0);
    }, 60_000);

    it("creates our tables and DiracX's, then finds nothing to do", async () => {
      const first = await runMigrate(mysqlServerEnv(set, own));
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(await tableCount(own)).toBe(6);
      expect(await tableCount(set.names.JobDB)).toBe(8);
      expect(await tableCount(set.names.AuthDB)).toBe(3);
      const second = await runMigrate(mysqlServerEnv(set, own));
      expect(second.code).toBe(0);
      expect(await tableCount(own)).toBe(6);
    }, 60_000);

    const serves =
      "serves on them: a job submitted over REST is a row of DiracX's JobDB with its history, found by search";
    it(serves, async () => {
      const running = await startMcpServerProcess({ env: mysqlServerEnv(set, own) });
      try {
        const { server } = running;
        const ready = await fetch(new URL('api/health/ready', server.url));
        expect(ready.status).toBe(200);
        const token = await serverToken({ vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' });
        const submitted = await fetch(new URL('api/jobs/jdl', server.url), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(['[Executable = "echo"; JobName = "on-mariadb";]']),
        });
        expect(submitted.status).toBe(201);
        const [{ JobID: jobId }] = (await submitted.json()) as [{ JobID: number }];
        const [jobs] = await connection.query(
          `SELECT JobName, Owner, OwnerGroup, VO, Status FROM \`${set.names.JobDB}\`.Jobs WHERE JobID = ?`,
          [jobId],
        );
        expect(jobs as unknown[]).toEqual([
          { JobName: 'on-mariadb', Owner: 'chaen', OwnerGroup: 'lhcb_user', VO: 'lhcb', Status: 'Received' },
        ]);
        const [history] = await connection.query(
          `SELECT Status FROM \`${set.names.JobLoggingDB}\`.LoggingInfo WHERE JobID = ?`,
          [jobId],
        );
        expect(history as unknown[]).toEqual([{ Status: 'Received' }]);
        // Read back through the search engine on DiracX's tables.
        const search = await fetch(new URL('api/jobs/search', server.url), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            parameters: ['JobID', 'JobName', 'Status'],
            search: [{ parameter: 'JobName', operator: 'eq', value: 'on-mariadb' }],
          }),
        });
        expect(search.status).toBe(200);
        expect(await search.json()).toEqual([{ JobID: jobId, JobName: 'on-mariadb', Status: 'Received' }]);
        expect(server.stderr).toEqual([]);
      } finally {
        await running.server.stop();
      }
    }, 90_000);
  });
}
