/**
 * The image's migrate CLI (/app/migrate.js, the Kubernetes migration Job's command) on DiracX's
 * MySQL databases, as the co-deployed topology will run it: in a read-only container as uid
 * 10001, against the machine's MariaDB (a fresh database set). It must find the MySQL dialect's
 * own migrations and DiracX's table definitions, which the bundle relocates (build-image.ts), not
 * PostgreSQL's. Skipped, with the reason in its name, without podman or MariaDB, unless
 * DIRACX_REQUIRE_PODMAN_TESTS=1 or DIRACX_REQUIRE_MARIADB_TESTS=1 makes that a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { buildImage } from '../../deploy/container/build-image.ts';
import { podman, podmanPath } from '../../deploy/container/podman.ts';
import { SQL_DATABASES } from '../../src/db/mysql/schema/index.ts';
import { DB_URL_SETTINGS, OWN_DB_URL_SETTING } from '../../src/mysql-settings.ts';
import {
  connectServer,
  createDatabaseSet,
  type DatabaseSet,
  MARIADB_TESTS_REQUIRED,
  mariadbAvailability,
  serverUrl,
} from '../harness/mariadb.ts';
import { REPO_ROOT } from '../harness/server-process.ts';

const REQUIRED = Bun.env.DIRACX_REQUIRE_PODMAN_TESTS === '1' || MARIADB_TESTS_REQUIRED;

async function availability(): Promise<string | undefined> {
  if (!podmanPath()) return 'no podman (apt-get install podman buildah runc)';
  const mariadb = await mariadbAvailability();
  return mariadb.available ? undefined : mariadb.reason;
}
const unavailable = await availability();

if (unavailable && !REQUIRED) {
  const skippedTitle = [
    `the image's migrate CLI on MySQL (skipped: ${unavailable};`,
    'set DIRACX_REQUIRE_PODMAN_TESTS=1 or DIRACX_REQUIRE_MARIADB_TESTS=1 to fail instead)',
  ].join(' ');
  describe.skip(skippedTitle, () => {
    it("creates our tables and DiracX's", () => {});
  });
} else {
  describe("the image's migrate CLI on DiracX's MySQL databases", () => {
    let connection: mysql.Connection | undefined;
    let set: DatabaseSet | undefined;
    let own = '';
    let image = '';

    beforeAll(async () => {
      if (unavailable) throw new Error(`the image's MySQL migration test cannot run: ${unavailable}`);
      // Its id, not its tag: a build by a concurrent test with other inputs may untag it.
      image = (await buildImage()).id;
      connection = await connectServer();
      set = await createDatabaseSet(connection, 'img');
      own = `${set.names.JobDB.replace(/_JobDB$/, '')}_own`;
      await connection.query(`CREATE DATABASE \`${own}\``);
    }, 180_000);

    afterAll(async () => {
      await set?.drop();
      if (own) await connection?.query(`DROP DATABASE IF EXISTS \`${own}\``);
      await connection?.end();
    });

    const migrate = async (env: Record<string, string>) => {
      const flags = Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
      return podman(['run', '--rm', '--read-only', '--network', 'host', ...flags, image, '/app/migrate.js']);
    };
    const tables = async (schema: string): Promise<string[]> => {
      const [rows] = await connection!.query(
        'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
        [schema],
      );
      return (rows as { name: string }[]).map((r) => r.name);
    };

    it('stops on a half-configured set, naming the missing variable, creating nothing', async () => {
      const run = await migrate({ [OWN_DB_URL_SETTING]: serverUrl(own) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('DIRACX_DB_URL_JOBDB');
      expect(await tables(own)).toEqual([]);
    }, 60_000);

    it("creates our tables (the MySQL dialect's migrations) and DiracX's, then finds nothing to do", async () => {
      const env: Record<string, string> = { [OWN_DB_URL_SETTING]: serverUrl(own) };
      for (const db of SQL_DATABASES) env[DB_URL_SETTINGS[db]] = set!.diracxUrl(db);
      const first = await migrate(env);
      expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
      expect(first.stdout).toContain('migrations applied (mysql');
      // Our journal holds the MySQL dialect's migrations, one row each.
      const journal = (await Bun.file(join(REPO_ROOT, 'src/db/mysql/migrations/meta/_journal.json')).json()) as {
        entries: unknown[];
      };
      const [rows] = await connection!.query(`SELECT COUNT(*) AS n FROM \`${own}\`.__drizzle_migrations`);
      expect(Number((rows as { n: number }[])[0]?.n)).toBe(journal.entries.length);
      for (const db of SQL_DATABASES)
        expect({ db, tables: (await tables(set!.names[db])).length > 0 }).toEqual({ db, tables: true });
      const before = await tables(own);
      const second = await migrate(env);
      expect(second.code).toBe(0);
      expect(await tables(own)).toEqual(before);
    }, 120_000);
  });
}
