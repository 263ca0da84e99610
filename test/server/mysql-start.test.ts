/**
 * The server process and `bun run migrate` with DiracX's MySQL databases (issue 19, in progress):
 * the server refuses to start, saying MySQL is not served yet, before touching any database;
 * `bun run migrate` creates our tables and DiracX's in empty databases (needs MariaDB; skips
 * without it unless DIRACX_REQUIRE_MARIADB_TESTS=1), and stops on a half-configured set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { resolve } from 'node:path';
import type mysql from 'mysql2/promise';
import { DB_URL_SETTINGS, MYSQL_NOT_SERVED_YET } from '../../src/mysql-settings.ts';
import { SQL_DATABASES } from '../../src/db/mysql/schema/index.ts';
import {
  connectServer,
  createDatabaseSet,
  type DatabaseSet,
  MARIADB_TESTS_REQUIRED,
  mariadbAvailability,
  serverUrl,
} from '../harness/mariadb.ts';
import { runServerExpectingFailure } from '../harness/server-process.ts';

const ROOT = resolve(import.meta.dir, '../..');

/** The MySQL settings of a database set, with `own` as our database. */
function mysqlEnv(set: Pick<DatabaseSet, 'names'>, own: string): Record<string, string> {
  const env: Record<string, string> = { DIRACX_OWN_DB_URL: serverUrl(own) };
  for (const db of SQL_DATABASES)
    env[DB_URL_SETTINGS[db]] = serverUrl(set.names[db]).replace('mysql:', 'mysql+aiomysql:');
  return env;
}

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

describe('server with DiracX MySQL databases', () => {
  it('refuses to start, saying MySQL is not served yet (exit 1, nothing opened)', async () => {
    // A server nobody listens on: the refusal comes before any connection.
    const names = Object.fromEntries(SQL_DATABASES.map((db) => [db, `nowhere_${db}`])) as DatabaseSet['names'];
    const env = Object.fromEntries(
      Object.entries(mysqlEnv({ names }, 'nowhere_own')).map(([k, v]) => [k, v.replace(/:\d+\//, ':1/')]),
    );
    const { code, stderr, stdout } = await runServerExpectingFailure(env);
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([`diracx: cannot start: ${MYSQL_NOT_SERVED_YET}`]);
  });
});

const mariadb = await mariadbAvailability();
if (!mariadb.available && !MARIADB_TESTS_REQUIRED) {
  describe('bun run migrate on MySQL', () => {
    const why = `${mariadb.reason}; DIRACX_REQUIRE_MARIADB_TESTS=1 fails instead`;
    it.skip(`creates our tables and DiracX's (skipped: ${why})`, () => {});
  });
} else {
  describe('bun run migrate on MySQL', () => {
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
      const env = mysqlEnv(set, own);
      delete env.DIRACX_DB_URL_JOBDB;
      const run = await runMigrate(env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('DIRACX_DB_URL_JOBDB=<redacted> is invalid: is required');
      expect(await tableCount(own)).toBe(0);
    }, 60_000);

    it("creates our tables and DiracX's, then finds nothing to do", async () => {
      const first = await runMigrate(mysqlEnv(set, own));
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(await tableCount(own)).toBe(6);
      expect(await tableCount(set.names.JobDB)).toBe(8);
      expect(await tableCount(set.names.AuthDB)).toBe(3);
      const second = await runMigrate(mysqlEnv(set, own));
      expect(second.code).toBe(0);
      expect(await tableCount(own)).toBe(6);
    }, 60_000);
  });
}
