/**
 * gubbins on MySQL/MariaDB, in the real server process started with DiracX's databases
 * (`DIRACX_DB_URL_*`) and our own (`DIRACX_OWN_DB_URL`): its MySQL migration applied at start in
 * our own database (not in DiracX's) and recorded there; its REST routes (201, 200, 409, 403, 204,
 * 404) and MCP tools answering as on PostgreSQL, names compared case-sensitively as there, each VO
 * confined to its own owners; and a server refusing, with one line and before listening, an
 * extension whose migrations have no MySQL SQL. Needs MariaDB; skips without it unless
 * DIRACX_REQUIRE_MARIADB_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sql } from 'drizzle-orm';
import type { TokenSubject } from '../../src/testing/auth.ts';
import {
  createMysqlTestDatabase,
  MARIADB_TESTS_REQUIRED,
  type MysqlTestDatabase,
  mariadbAvailability,
  mysqlServerEnv,
} from '../harness/mariadb.ts';
import {
  type McpServerProcess,
  REPO_ROOT,
  runServerExpectingFailure,
  serverToken,
  startMcpServerProcess,
} from '../harness/server-process.ts';

const mariadb = await mariadbAvailability();

interface Owner {
  OwnerID: number;
  VO: string;
  Name: string;
  CreatedBy: string;
  CreationTime: string;
}

const CHAEN = { vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' };
const ADMIN = { vo: 'lhcb', group: 'lhcb_admin', preferredUsername: 'lhcbadmin' };
const ALICE = { vo: 'gridpp', group: 'gridpp_user', preferredUsername: 'alice' };
const SENSEI = ['NormalUser', 'GubbinsSensei'];

if (!mariadb.available && !MARIADB_TESTS_REQUIRED) {
  describe('gubbins on MySQL/MariaDB', () => {
    const why = `${mariadb.reason}; DIRACX_REQUIRE_MARIADB_TESTS=1 fails instead`;
    it.skip(`migrates, serves REST and MCP, confines VOs (skipped: ${why})`, () => {});
  });
} else {
  describe('gubbins on MySQL/MariaDB', () => {
    let t: MysqlTestDatabase;
    let running: McpServerProcess;
    const clients: Client[] = [];

    beforeAll(async () => {
      if (!mariadb.available) throw new Error(`DIRACX_REQUIRE_MARIADB_TESTS=1 but ${mariadb.reason}`);
      // Empty databases: the server migrates them (ours, DiracX's, then gubbins').
      t = await createMysqlTestDatabase({ migrate: false });
      running = await startMcpServerProcess({ env: mysqlServerEnv(t.set, t.own), extensions: ['@diracx-ts/gubbins'] });
    }, 90_000);
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await running?.server.stop();
      await t?.dispose();
    });

    /** Calls the server as `who` (with the group's properties unless `properties` are given). */
    async function call(
      who: TokenSubject,
      method: string,
      path: string,
      body?: unknown,
      properties?: string[],
    ): Promise<{ status: number; body: unknown }> {
      const token = await serverToken({ ...who, ...(properties ? { properties } : {}) });
      const res = await fetch(new URL(path, running.server.url), {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    }
    const names = async (who: TokenSubject): Promise<string[]> => {
      const res = await call(who, 'GET', 'api/gubbins/owners');
      expect(res.status).toBe(200);
      return (res.body as Owner[]).map((o) => o.Name);
    };
    /** The rows of our own database's GubbinsOwners, read directly. */
    const stored = (): Promise<{ VO: string; Name: string }[]> =>
      t.database.query(sql`SELECT VO, Name FROM ${sql.identifier(t.own)}.GubbinsOwners ORDER BY OwnerID`);

    it('applies its MySQL migration at start in our own database, never in DiracX', async () => {
      const migrated = running.server.logs().find((line) => line.msg === 'extension migrations applied');
      expect(migrated?.migrations).toEqual(['gubbins/0000_gubbins_owners']);
      const where = await t.database.query<{ db: string }>(
        sql`SELECT TABLE_SCHEMA AS db FROM information_schema.TABLES WHERE TABLE_NAME = 'GubbinsOwners'
            AND TABLE_SCHEMA IN (${sql.join(
              [t.own, ...Object.values(t.set.names)].map((name) => sql`${name}`),
              sql`, `,
            )})`,
      );
      expect(where).toEqual([{ db: t.own }]);
      const recorded = await t.database.query(
        sql`SELECT Extension, Name FROM ${sql.identifier(t.own)}.ExtensionMigrations`,
      );
      expect(recorded).toEqual([{ Extension: 'gubbins', Name: '0000_gubbins_owners' }]);
    });

    it('adds (201), lists (200), refuses (409, 403) and removes (204, then 404) over REST', async () => {
      const before = Date.now();
      const added = await call(CHAEN, 'POST', 'api/gubbins/owners', { name: 'Dave' });
      expect(added.status).toBe(201);
      const dave = added.body as Owner;
      expect(dave).toMatchObject({ VO: 'lhcb', Name: 'Dave', CreatedBy: 'chaen' });
      // The database's own UTC time, read back as the same instant.
      expect(new Date(dave.CreationTime).toISOString()).toBe(dave.CreationTime);
      expect(Math.abs(Date.parse(dave.CreationTime) - before)).toBeLessThan(60_000);

      const again = await call(CHAEN, 'POST', 'api/gubbins/owners', { name: 'Dave' });
      expect(again).toEqual({ status: 409, body: { detail: 'Owner "Dave" already exists in VO lhcb' } });
      // Names compare as on PostgreSQL: another case is another name.
      expect((await call(CHAEN, 'POST', 'api/gubbins/owners', { name: 'dave' })).status).toBe(201);
      expect((await call(ADMIN, 'POST', 'api/gubbins/owners', { name: 'Frank' })).status).toBe(403);
      expect(await names(ADMIN)).toEqual(['Dave', 'dave']);

      expect((await call(CHAEN, 'DELETE', `api/gubbins/owners/${dave.OwnerID}`)).status).toBe(403);
      expect((await call(CHAEN, 'DELETE', `api/gubbins/owners/${dave.OwnerID}`, undefined, SENSEI)).status).toBe(204);
      expect((await call(CHAEN, 'DELETE', `api/gubbins/owners/${dave.OwnerID}`, undefined, SENSEI)).status).toBe(404);
      expect(await stored()).toEqual([{ VO: 'lhcb', Name: 'dave' }]);
    });

    it('keeps each VO to its own owners', async () => {
      expect((await call(CHAEN, 'POST', 'api/gubbins/owners', { name: 'Heidi' })).status).toBe(201);
      expect(await names(ALICE)).toEqual([]);
      const theirs = await call(ALICE, 'POST', 'api/gubbins/owners', { name: 'Heidi' });
      expect(theirs.status).toBe(201);
      expect(theirs.body).toMatchObject({ VO: 'gridpp', Name: 'Heidi', CreatedBy: 'alice' });
      const id = (theirs.body as Owner).OwnerID;
      // To lhcb, gridpp's owner does not exist, even for a sensei.
      expect((await call(CHAEN, 'DELETE', `api/gubbins/owners/${id}`, undefined, SENSEI)).status).toBe(404);
      expect(await names(ALICE)).toEqual(['Heidi']);
      expect(await names(CHAEN)).toEqual(['dave', 'Heidi']);
    });

    it('serves its MCP tools on the same table', async () => {
      const client = new Client({ name: 'gubbins-mysql', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(running.mcpUrl), {
          requestInit: { headers: { authorization: `Bearer ${running.token}` } },
        }),
      );
      clients.push(client);
      const added = await client.callTool({ name: 'add_gubbins_owner', arguments: { name: 'Ivan' } });
      expect(added.isError).toBeFalsy();
      expect((added.structuredContent as { owner: Owner }).owner).toMatchObject({ VO: 'lhcb', Name: 'Ivan' });
      const listed = await client.callTool({ name: 'list_gubbins_owners', arguments: {} });
      expect(((listed.structuredContent as { owners: Owner[] }).owners ?? []).map((o) => o.Name)).toEqual([
        'dave',
        'Heidi',
        'Ivan',
      ]);
      const conflict = await client.callTool({ name: 'add_gubbins_owner', arguments: { name: 'Ivan' } });
      expect(conflict.isError).toBe(true);
      expect((conflict.content as { text: string }[])[0]?.text).toStartWith('CONFLICT');
      expect(await names(CHAEN)).toEqual(['dave', 'Heidi', 'Ivan']);
    });

    it('refuses to start with an extension whose migrations have no MySQL SQL', async () => {
      const pgOnly =
        `{ name: 'pgonly', contractVersion: 1, description: 'x', ` +
        `migrations: [{ name: '0000_things', sql: 'CREATE TABLE "PgonlyThings" (id int)' }] }`;
      const script = [`import { serve } from '${REPO_ROOT}src/server.ts';`, `await serve([${pgOnly}]);`].join('\n');
      const failed = await runServerExpectingFailure(mysqlServerEnv(t.set, t.own), { command: ['-e', script] });
      expect(failed.code).toBe(1);
      expect(failed.stdout.filter((line) => line.includes('"listening"'))).toEqual([]);
      expect(failed.stderr.filter((line) => line.trim())).toEqual([
        'diracx: cannot start: extension migrations: extension pgonly cannot run on mysql (DIRACX_DB_URL_*): ' +
          'migrations without MySQL SQL (`mysql`): pgonly/0000_things; serve it from a server on PostgreSQL ' +
          'or the embedded database',
      ]);
      const recorded = await t.database.query(
        sql`SELECT Extension FROM ${sql.identifier(t.own)}.ExtensionMigrations WHERE Extension = 'pgonly'`,
      );
      expect(recorded).toEqual([]);
    }, 60_000);
  });
}
