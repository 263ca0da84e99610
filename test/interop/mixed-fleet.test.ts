/**
 * The mixed fleet (issue 19, item 5): the real DiracX 0.7.0 (uvicorn with
 * `diracx.testing.routers:create_app`, `diracx.testing.mock_osdb` for OpenSearch, moto for S3) and
 * our server, with one keystore, one issuer (nginx's public URL), one state key and one
 * `git+file://` configuration repository, behind nginx running
 * deploy/nginx/diracx-codeployed.conf as docs/co-deployment.md says (fleet-nginx.ts: DiracX's
 * /api, or /api round-robin). DiracX's SQL databases are a fresh set on MariaDB, created by DiracX's own
 * code at its start (as a DiracX installation does) and dropped after the run.
 * Our server does not open DiracX's databases yet: it refuses to start with DIRACX_DB_URL_*
 * until the MySQL dialect's queries are ported (src/mysql-settings.ts), so it runs on its own
 * embedded database here, and the cases that need one database for both are `todo` below.
 * Skips, with the reason in its name, without DiracX 0.7.0's server, aiomysql, moto, MariaDB or
 * nginx, unless DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1 makes that a failure (CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../src/config/file-source.ts';
import { SQL_DATABASES } from '../../src/db/mysql/schema/index.ts';
import { DB_URL_SETTINGS } from '../../src/mysql-settings.ts';
import { mintTokenFor } from '../harness/auth.ts';
import {
  connectServer,
  createDatabaseSet,
  type DatabaseSet,
  diracxDbAvailability,
  mariadbAvailability,
  serverUrl,
} from '../harness/mariadb.ts';
import { MOTO_CREDENTIALS, motoAvailability, startMoto, type MotoServer } from '../harness/s3.ts';
import {
  findFreePort,
  REPO_ROOT,
  type RunningServer,
  serverKeystore,
  startServer,
  waitFor,
} from '../harness/server-process.ts';
import { DIRACX_CLIENT_TESTS_REQUIRED, runDirac } from './diracx-python.ts';
import { diracxServerAvailability, type DiracxServer, git, startDiracxServer } from './diracx-server.ts';
import { type FleetNginx, NGINX, startFleetNginx } from './fleet-nginx.ts';

const SLOW_MS = 180_000;

async function unavailable(): Promise<string | undefined> {
  const server = diracxServerAvailability();
  if (!server.available) return server.reason;
  const db = diracxDbAvailability();
  if (!db.available) return db.reason;
  const moto = motoAvailability();
  if (!moto.available) return moto.reason;
  if (!NGINX) return 'no nginx (apt-get install nginx)';
  const mariadb = await mariadbAvailability();
  return mariadb.available ? undefined : mariadb.reason;
}
const why = await unavailable();

/** The todo cases' common reason: our server cannot open DiracX's databases yet. */
const NOT_ON_MYSQL =
  'todo until our server starts on DIRACX_DB_URL_* (it refuses to: src/mysql-settings.ts, issue 19 item 1)';

if (why && !DIRACX_CLIENT_TESTS_REQUIRED) {
  describe('the mixed fleet', () => {
    const reason = `${why}; set DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1 to fail instead`;
    it.skip(`DiracX 0.7.0 and ours behind nginx (skipped: ${reason})`, () => {});
  });
} else {
  describe('the mixed fleet: DiracX 0.7.0 and ours behind nginx, DiracX on MariaDB', () => {
    let dir = '';
    let s3: MotoServer | undefined;
    let connection: mysql.Connection | undefined;
    let set: DatabaseSet | undefined;
    let theirs: DiracxServer;
    let ours: RunningServer;
    let nginx: FleetNginx;
    let python = '';
    let issuer = '';
    let restToken = '';
    let ownDatabase = '';

    const upstreamOf = (res: Response): string | null => res.headers.get('x-fleet-upstream');
    const headSha = async (): Promise<string> => {
      const proc = Bun.spawn({ cmd: ['git', 'rev-parse', 'HEAD'], cwd: theirs.configRepo, stdout: 'pipe' });
      return (await new Response(proc.stdout).text()).trim();
    };
    const getConfig = (base: string): Promise<Response> =>
      fetch(`${base}/api/config/`, { headers: { authorization: `Bearer ${restToken}` } });

    beforeAll(async () => {
      if (why) throw new Error(`DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1 but the mixed fleet cannot run: ${why}`);
      const server = diracxServerAvailability();
      if (!server.available) throw new Error(server.reason);
      python = server.python;
      const moto = motoAvailability();
      if (!moto.available) throw new Error(moto.reason);
      dir = await mkdtemp(join(tmpdir(), 'diracx-fleet-'));
      s3 = await startMoto(moto.python);
      connection = await connectServer();
      set = await createDatabaseSet(connection, 'fleet');
      const ports = { split: findFreePort(), roundRobin: findFreePort() };
      issuer = `http://127.0.0.1:${ports.split}`;
      const { path: keystorePath, keystore } = await serverKeystore();
      const databases = set;
      const sqlUrls = Object.fromEntries(SQL_DATABASES.map((db) => [db.toUpperCase(), databases.diracxUrl(db)]));
      theirs = await startDiracxServer({
        python,
        dir,
        keystorePath,
        issuer,
        s3Endpoint: s3.endpoint,
        s3Credentials: MOTO_CREDENTIALS,
        sqlUrls,
      });
      ours = await startServer(
        {
          DIRACX_ACCESS_LOG: 'false',
          DIRACX_CONFIG_BACKEND_URL: `git+file://${theirs.configRepo}`,
          DIRACX_CONFIG_RELOAD_SECONDS: '1',
          DIRACX_SERVICE_AUTH_TOKEN_ISSUER: issuer,
          DIRACX_SERVICE_AUTH_STATE_KEY: theirs.authEnv.DIRACX_SERVICE_AUTH_STATE_KEY ?? '',
          DIRACX_MCP_RESOURCE_URL: `${issuer}/mcp`,
          DIRACX_MCP_ALLOWED_HOSTS: `127.0.0.1:${ports.split},127.0.0.1:${ports.roundRobin}`,
          DIRACX_FORWARDED_ALLOW_IPS: '127.0.0.1',
        },
        { startTimeoutMs: 90_000 },
      );
      nginx = await startFleetNginx({
        dir,
        ours: new URL(ours.url).host,
        diracx: new URL(theirs.base).host,
        ports,
      });
      const { config } = await loadConfigFile(DEFAULT_CONFIG_PATH);
      restToken = await mintTokenFor(config, keystore, issuer, {
        vo: 'lhcb',
        group: 'lhcb_user',
        preferredUsername: 'chaen',
      });
    }, SLOW_MS);

    afterAll(async () => {
      await Promise.allSettled([nginx?.stop(), theirs?.stop(), ours?.stop(), s3?.stop()]);
      await set?.drop().catch(() => undefined);
      if (ownDatabase) await connection?.query(`DROP DATABASE IF EXISTS \`${ownDatabase}\``).catch(() => undefined);
      await connection?.end().catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    }, 60_000);

    it('DiracX created its own tables in the fresh MariaDB databases', async () => {
      const tablesOf = async (database: string): Promise<string[]> => {
        const [rows] = await connection!.query(
          'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY name',
          [database],
        );
        return (rows as { name: string }[]).map((r) => r.name);
      };
      expect(await tablesOf(set!.names.JobDB)).toEqual(expect.arrayContaining(['Jobs', 'JobJDLs', 'JobCommands']));
      expect(await tablesOf(set!.names.AuthDB)).toEqual(expect.arrayContaining(['RefreshTokens', 'DeviceFlows']));
      expect(await tablesOf(set!.names.JobLoggingDB)).toEqual(expect.arrayContaining(['LoggingInfo']));
    });

    it('routes /mcp, the OAuth metadata and /api/auth/ to us and the rest to DiracX', async () => {
      const cases: [string, RequestInit, number, string][] = [
        ['/.well-known/oauth-authorization-server', {}, 200, 'ours'],
        ['/.well-known/oauth-protected-resource/mcp', {}, 200, 'ours'],
        ['/api/auth/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'none' }) }, 422, 'ours'],
        // Dynamic client registration, which DiracX does not have (404 there).
        ['/api/auth/register', { method: 'POST', body: '{}' }, 400, 'ours'],
        ['/mcp', { method: 'POST', body: '{}' }, 401, 'ours'],
        ['/.well-known/openid-configuration', {}, 200, 'diracx'],
        ['/.well-known/dirac-metadata', {}, 200, 'diracx'],
        ['/api/jobs/search', { method: 'POST', body: '{}' }, 401, 'diracx'],
      ];
      const seen = [];
      for (const [path, init] of cases) {
        const json = typeof init.body === 'string' ? { 'content-type': 'application/json' } : undefined;
        const res = await fetch(`${nginx.split}${path}`, { ...init, headers: json });
        await res.arrayBuffer();
        seen.push([path, res.status, upstreamOf(res)]);
      }
      expect(seen).toEqual(cases.map(([path, , status, upstream]) => [path, status, upstream]));
      // Round-robin /api: the rest of /api goes to both in turn; the job-parameter routes to DiracX only.
      const upstreams = async (method: string, path: string): Promise<(string | null)[]> => {
        const answers: (string | null)[] = [];
        for (let i = 0; i < 4; i++) {
          const res = await fetch(`${nginx.roundRobin}${path}`, { method, body: '{}' });
          await res.arrayBuffer();
          answers.push(upstreamOf(res));
        }
        return answers;
      };
      expect(new Set(await upstreams('POST', '/api/jobs/search'))).toEqual(new Set(['ours', 'diracx']));
      expect(await upstreams('PATCH', '/api/jobs/heartbeat')).toEqual(['diracx', 'diracx', 'diracx', 'diracx']);
      expect(await upstreams('PATCH', '/api/jobs/metadata')).toEqual(['diracx', 'diracx', 'diracx', 'diracx']);
      expect(await upstreams('POST', '/api/auth/register')).toEqual(['ours', 'ours', 'ours', 'ours']);
      const metadata = await (await fetch(`${nginx.split}/.well-known/oauth-authorization-server`)).json();
      expect(metadata).toMatchObject({ issuer, token_endpoint: `${issuer}/api/auth/token` });
    });

    it('one identity: a token of the shared keystore works at DiracX, and its exchange for /mcp at ours', async () => {
      const search = await fetch(`${nginx.split}/api/jobs/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${restToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ parameters: ['JobID'] }),
      });
      expect([search.status, upstreamOf(search)]).toEqual([200, 'diracx']);
      await search.arrayBuffer();

      const exchange = await fetch(`${nginx.split}/api/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: restToken,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          resource: `${issuer}/mcp`,
        }),
      });
      expect([exchange.status, upstreamOf(exchange)]).toEqual([200, 'ours']);
      const { access_token: mcpToken } = (await exchange.json()) as { access_token: string };
      const client = new Client({ name: 'mixed-fleet', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${nginx.split}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${mcpToken}` } },
        }),
      );
      try {
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        expect(result.isError).toBeFalsy();
        expect(result.structuredContent).toMatchObject({ preferred_username: 'chaen', vo: 'lhcb' });
      } finally {
        await client.close();
      }
      // A token that is neither's: refused by both.
      const forged = `${restToken.slice(0, -4)}AAAA`;
      const refused = await fetch(`${nginx.split}/api/jobs/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(refused.status).toBe(401);
      await refused.arrayBuffer();
    });

    it('a job submitted with the DiracX CLI through nginx is in the shared JobDB and found by its search', async () => {
      const credentials = join(dir, 'credentials.json');
      const expiresOn = Math.floor(Date.now() / 1000) + 600;
      await writeFile(
        credentials,
        JSON.stringify({ access_token: restToken, refresh_token: '', expires_on: expiresOn }),
      );
      const env = { DIRACX_URL: nginx.split, DIRACX_CREDENTIALS_PATH: credentials };
      const jdl = join(dir, 'fleet.jdl');
      await writeFile(jdl, '[Executable = "echo"; Arguments = "fleet"; JobName = "fleet-cli";]');
      const submitted = await runDirac(python, ['jobs', 'submit', jdl], env, 120_000);
      expect({ code: submitted.code, stderr: submitted.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      const [row] = (await connection!.query(`SELECT JobID, JobName FROM \`${set!.names.JobDB}\`.Jobs`))[0] as {
        JobID: number;
        JobName: string;
      }[];
      expect(row?.JobName).toBe('fleet-cli');
      const found = await runDirac(
        python,
        ['jobs', 'search', '--parameter', 'JobID', '--parameter', 'JobName', '--condition', 'JobName eq fleet-cli'],
        env,
        120_000,
      );
      expect(found.code).toBe(0);
      expect(JSON.parse(found.stdout)).toEqual([{ JobID: row?.JobID, JobName: 'fleet-cli' }]);
    }, 150_000);

    it.todo(
      `that job is found and killed through our MCP tools, DiracX's search then shows it killed (${NOT_ON_MYSQL})`,
    );
    it.todo(`a job submitted through submit_job is read back by the DiracX client with DiracX's JDL (${NOT_ON_MYSQL})`);
    it.todo(
      'a refresh token issued by one is rotated by the other; reusing the old one revokes the family at both ' +
        `(${NOT_ON_MYSQL})`,
    );
    it("bun run migrate beside DiracX adds our tables and leaves DiracX's databases as it made them", async () => {
      const db = connection!;
      const own = `${set!.names.JobDB.slice(0, -'_JobDB'.length)}_own`;
      ownDatabase = own;
      await db.query(`CREATE DATABASE \`${own}\``);
      /** Every table of DiracX's databases as `SHOW CREATE TABLE` gives it. */
      const definitions = async (): Promise<Record<string, string>> => {
        const all: Record<string, string> = {};
        for (const name of Object.values(set!.names)) {
          const [tables] = await db.query(
            'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
            [name],
          );
          for (const { t } of tables as { t: string }[]) {
            const [[row]] = (await db.query(`SHOW CREATE TABLE \`${name}\`.\`${t}\``)) as unknown as [
              Record<string, string>[],
            ];
            all[`${name}.${t}`] = row?.['Create Table'] ?? '';
          }
        }
        return all;
      };
      const before = await definitions();
      expect(Object.keys(before).length).toBeGreaterThan(20);
      const env: Record<string, string> = { DIRACX_OWN_DB_URL: serverUrl(own) };
      for (const name of SQL_DATABASES) env[DB_URL_SETTINGS[name]] = set!.diracxUrl(name);
      const proc = Bun.spawn({
        cmd: [process.execPath, 'run', 'src/db/migrate-cli.ts'],
        cwd: REPO_ROOT,
        env: { PATH: Bun.env.PATH ?? '/usr/bin:/bin', HOME: Bun.env.HOME ?? '/tmp', ...env },
        stdout: 'pipe',
        stderr: 'pipe',
      });
      const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(await definitions()).toEqual(before);
      const [ours] = await db.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [
        own,
      ]);
      expect((ours as { n: number }[])[0]?.n).toBeGreaterThan(0);
    }, 60_000);
    it.todo(`our running server uses the tables DiracX created without altering them (${NOT_ON_MYSQL})`);
    it.todo(`with /api round-robin: jobs written by either are read by the other (${NOT_ON_MYSQL})`);

    it('a new configuration commit is served by both with the same ETag, also with /api round-robin', async () => {
      const etags = async (base: string, rounds: number): Promise<[string | null, string | null][]> => {
        const answers: [string | null, string | null][] = [];
        for (let i = 0; i < rounds; i++) {
          const res = await getConfig(base);
          expect(res.status).toBe(200);
          await res.arrayBuffer();
          answers.push([upstreamOf(res), res.headers.get('etag')]);
        }
        return answers;
      };
      const first = await headSha();
      const split = await etags(nginx.split, 2);
      expect(split.map(([upstream]) => upstream)).toEqual(['diracx', 'diracx']);
      const firstEtag = split[0]?.[1] ?? '';
      expect(firstEtag.replaceAll('"', '')).toBe(first);
      const direct = await getConfig(ours.url.replace(/\/$/, ''));
      expect(direct.headers.get('etag')).toBe(firstEtag);
      await direct.arrayBuffer();
      const both = await etags(nginx.roundRobin, 4);
      expect(new Set(both.map(([upstream]) => upstream))).toEqual(new Set(['ours', 'diracx']));
      expect(new Set(both.map(([, etag]) => etag))).toEqual(new Set([firstEtag]));

      await appendFile(join(theirs.configRepo, 'default.yml'), '\n# a commit of the mixed-fleet test\n');
      await git(theirs.configRepo, 'commit', '-qam', 'a second commit');
      const second = await headSha();
      expect(second).not.toBe(first);
      // Both pick it up within seconds, without a restart (DiracX caches a revision for a while).
      await waitFor(
        async () => {
          const answers = await etags(nginx.roundRobin, 4);
          return answers.every(([, etag]) => etag?.replaceAll('"', '') === second) &&
            new Set(answers.map(([upstream]) => upstream)).size === 2
            ? answers
            : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1000, description: `both servers to serve commit ${second}` },
      );
      expect((await etags(nginx.split, 1))[0]).toEqual(['diracx', firstEtag.replace(first, second)]);
    }, 90_000);
  });
}
