/**
 * Acceptance of the co-deployment: real nginx (Debian's package) running deploy/nginx/diracx.conf
 * (ports, certificate and log paths substituted; the sub-path snippet included) over TLS in front
 * of TWO real server processes on ONE fresh PostgreSQL database, with the same keystore and state
 * key, the public nginx URL as issuer, and nginx as their trusted proxy. It shows:
 *  - OAuth/OIDC discovery through nginx names the public URLs (https, the public host and port,
 *    the prefix under /diracx), and a client cannot forge them through nginx;
 *  - an MCP SDK client lists and calls tools through nginx while consecutive requests alternate
 *    between the instances (stateless: no affinity), proven from the instances' own access logs
 *    by the request id nginx gives each request;
 *  - a stream of job submissions (REST and MCP) goes on while one instance is stopped (SIGTERM,
 *    it drains) and started again, and every submission answered 2xx is in the database.
 * The public host is `diracx.test`: the test's fetch connects to 127.0.0.1 and names that host.
 * Skipped, with the reason in its name, without nginx, openssl or PostgreSQL at 127.0.0.1:5432
 * (or DATABASE_URL), unless DIRACX_REQUIRE_NGINX_TESTS=1 makes that a failure (CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { discoverOAuthServerInfo } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../src/config/file-source.ts';
import { encodeBase64Url } from '../../src/logic/auth/encoding.ts';
import { mintTokenFor } from '../harness/auth.ts';
import { urlForDatabase } from '../harness/database.ts';
import {
  findFreePort,
  REPO_ROOT,
  serverKeystore,
  startServer,
  waitFor,
  type RunningServer,
} from '../harness/server-process.ts';

const REQUIRED = Bun.env.DIRACX_REQUIRE_NGINX_TESTS === '1';
const ADMIN_URL = Bun.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PUBLIC_HOST = 'diracx.test';
const NGINX = Bun.which('nginx') ?? Bun.which('nginx', { PATH: '/usr/sbin:/sbin' });
const OPENSSL = Bun.which('openssl');

async function availability(): Promise<string | undefined> {
  if (!NGINX) return 'no nginx (apt-get install nginx)';
  if (!OPENSSL) return 'no openssl';
  const sql = postgres(ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (err) {
    return `no PostgreSQL at ${new URL(ADMIN_URL).host} (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}
const unavailable = await availability();

/**
 * Replaces `from` in `text`, which must occur exactly `times` times (the deploy file and the test
 * must not drift apart).
 */
function substitute(text: string, from: string, to: string, times = 1): string {
  const found = text.split(from).length - 1;
  if (found !== times)
    throw new Error(`deploy/nginx/diracx.conf: expected ${times} × ${JSON.stringify(from)}, found ${found}`);
  return text.split(from).join(to);
}

async function run(cmd: string[]): Promise<void> {
  const proc = Bun.spawn({ cmd, stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  const [code, out, err] = await Promise.all([
    proc.exited,
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  if (code !== 0) throw new Error(`${cmd.join(' ')} failed with ${code}:\n${out}${err}`);
}

interface Submission {
  via: 'rest' | 'mcp';
  name: string;
  /** The job ids of a 2xx answer; undefined when the call failed. */
  jobIds?: number[];
  error?: string;
}

if (unavailable && !REQUIRED) {
  const skippedTitle = [
    `nginx in front of two instances (skipped: ${unavailable};`,
    `set DIRACX_REQUIRE_NGINX_TESTS=1 to fail instead)`,
  ].join(' ');
  describe.skip(skippedTitle, () => {
    it('serves discovery, MCP and submissions through nginx across a restart', () => {});
  });
} else {
  describe('nginx in front of two instances on one PostgreSQL', () => {
    let dir = '';
    let dbName = '';
    let admin: postgres.Sql | undefined;
    let nginx: Bun.Subprocess<'ignore', 'pipe', 'pipe'> | undefined;
    const nginxStderr: string[] = [];
    const instances: Record<'a' | 'b', RunningServer | undefined> = { a: undefined, b: undefined };
    /** Every process that served as an instance, in start order, with its name (a restart adds one). */
    const processes: { name: 'a' | 'b'; server: RunningServer }[] = [];
    const ports = { https: 0, http: 0, a: 0, b: 0 };
    let env: Record<string, string> = {};
    let publicUrl = '';
    let publicMcp = '';
    let ca = '';
    let restToken = '';
    let mcpToken = '';

    /** fetch to the public URL: connects to nginx on 127.0.0.1, names the public host, trusts our CA. */
    const publicFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      if (url.hostname === PUBLIC_HOST) {
        headers.set('host', url.host);
        url.hostname = '127.0.0.1';
      }
      return fetch(url, {
        method: request.method,
        headers,
        body: request.body,
        redirect: 'manual',
        signal: request.signal,
        tls: { ca },
      } as RequestInit);
    };
    const getJson = async (path: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> => {
      const res = await publicFetch(`${publicUrl}${path}`, { headers });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      return (await res.json()) as Record<string, unknown>;
    };

    const startInstance = async (name: 'a' | 'b'): Promise<RunningServer> => {
      const server = await startServer({ ...env, PORT: String(ports[name]) });
      instances[name] = server;
      processes.push({ name, server });
      return server;
    };

    /** Which instance logged the request with this id (undefined when none did). */
    const servedBy = (requestId: string | null): 'a' | 'b' | undefined =>
      processes.find(({ server }) => server.logs().some((l) => l.msg === 'request' && l.request_id === requestId))
        ?.name;

    /** An MCP client through nginx that records the request id of every POST's response. */
    const mcpClient = async (seen: (string | null)[] = []): Promise<{ client: Client; idle: () => boolean }> => {
      const client = new Client({ name: 'nginx-test', version: '1.0.0' });
      let inflight = 0;
      const transport = new StreamableHTTPClientTransport(new URL(publicMcp), {
        requestInit: { headers: { authorization: `Bearer ${mcpToken}` } },
        fetch: async (url, init) => {
          inflight++;
          try {
            const res = await publicFetch(url, init);
            if ((init?.method ?? 'GET') === 'POST') seen.push(res.headers.get('x-request-id'));
            return res;
          } finally {
            inflight--;
          }
        },
      });
      await client.connect(transport);
      return { client, idle: () => inflight === 0 };
    };

    beforeAll(async () => {
      if (unavailable) throw new Error(`DIRACX_REQUIRE_NGINX_TESTS=1 but the nginx test cannot run: ${unavailable}`);
      dir = await mkdtemp(join(tmpdir(), 'diracx-nginx-'));
      // nginx's workers (nobody, when the test runs as root) create temp files under it.
      await chmod(dir, 0o755);
      ports.https = findFreePort();
      ports.http = findFreePort();
      ports.a = findFreePort();
      ports.b = findFreePort();
      publicUrl = `https://${PUBLIC_HOST}:${ports.https}`;
      publicMcp = `${publicUrl}/mcp`;

      await run([
        OPENSSL!,
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${PUBLIC_HOST}`,
        '-addext',
        `subjectAltName=DNS:${PUBLIC_HOST},IP:127.0.0.1`,
        '-keyout',
        join(dir, 'tls.key'),
        '-out',
        join(dir, 'tls.pem'),
      ]);
      ca = await readFile(join(dir, 'tls.pem'), 'utf8');

      dbName = `nginx_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
      admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`CREATE DATABASE "${dbName}"`);

      env = {
        DATABASE_URL: urlForDatabase(ADMIN_URL, dbName),
        DIRACX_DB_POOL_SIZE: '4',
        HOST: '127.0.0.1',
        DIRACX_SERVICE_AUTH_TOKEN_ISSUER: publicUrl,
        DIRACX_MCP_RESOURCE_URL: publicMcp,
        DIRACX_MCP_ALLOWED_HOSTS: `${PUBLIC_HOST}:${ports.https}`,
        DIRACX_FORWARDED_ALLOW_IPS: '127.0.0.1',
        DIRACX_SERVICE_AUTH_STATE_KEY: encodeBase64Url(crypto.getRandomValues(new Uint8Array(32))),
        DIRACX_SHUTDOWN_GRACE_SECONDS: '10',
        DIRACX_SHUTDOWN_LAME_DUCK_SECONDS: '1',
        // The restart test streams MCP calls from one user faster than the per-caller limit.
        DIRACX_MCP_RATE_LIMIT_PER_MINUTE: '0',
      };
      // One after the other: the first applies the migrations to the fresh database.
      await startInstance('a');
      await startInstance('b');

      let site = await readFile(join(REPO_ROOT, 'deploy/nginx/diracx.conf'), 'utf8');
      site = substitute(site, 'server 127.0.0.1:8001 ', `server 127.0.0.1:${ports.a} `);
      site = substitute(site, 'server 127.0.0.1:8002 ', `server 127.0.0.1:${ports.b} `);
      site = substitute(site, '    listen 80;', `    listen 127.0.0.1:${ports.http};`);
      site = substitute(site, '    listen [::]:80;', '');
      site = substitute(site, '    listen 443 ssl http2;', `    listen 127.0.0.1:${ports.https} ssl http2;`);
      site = substitute(site, '    listen [::]:443 ssl http2;', '');
      site = substitute(site, 'server_name diracx.example.org;', `server_name ${PUBLIC_HOST};`, 2);
      site = substitute(site, '/etc/ssl/certs/diracx.example.org.pem', join(dir, 'tls.pem'));
      site = substitute(site, '/etc/ssl/private/diracx.example.org.key', join(dir, 'tls.key'));
      site = substitute(site, '/var/log/nginx/diracx.access.log', join(dir, 'access.log'));
      site = substitute(
        site,
        '# include /etc/nginx/snippets/diracx-subpath.conf;',
        `include ${join(dir, 'diracx-subpath.conf')};`,
      );
      await copyFile(join(REPO_ROOT, 'deploy/nginx/diracx-subpath.conf'), join(dir, 'diracx-subpath.conf'));
      await writeFile(join(dir, 'diracx.conf'), site);
      await writeFile(
        join(dir, 'nginx.conf'),
        [
          'worker_processes 1;',
          'events { worker_connections 512; }',
          'http {',
          '  access_log off;',
          ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
            (t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`,
          ),
          `  include ${join(dir, 'diracx.conf')};`,
          '}',
          '',
        ].join('\n'),
      );
      const args = [
        '-p',
        dir,
        '-c',
        join(dir, 'nginx.conf'),
        '-g',
        `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr;`,
      ];
      await run([NGINX!, '-t', '-q', ...args]);
      nginx = Bun.spawn({ cmd: [NGINX!, ...args], stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
      void (async () => {
        for await (const chunk of nginx.stderr) nginxStderr.push(new TextDecoder().decode(chunk));
      })();
      await waitFor(async () => (await publicFetch(`${publicUrl}/.well-known/jwks.json`)).status === 200, {
        timeoutMs: 10_000,
        description: `nginx on ${ports.https} (stderr: ${nginxStderr.join('')})`,
      });

      const { config } = await loadConfigFile(DEFAULT_CONFIG_PATH);
      const { keystore } = await serverKeystore();
      const subject = { vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' };
      restToken = await mintTokenFor(config, keystore, publicUrl, subject);
      mcpToken = await mintTokenFor(config, keystore, publicUrl, { ...subject, audience: publicMcp });
    }, 45_000);

    afterAll(async () => {
      nginx?.kill('SIGQUIT');
      await nginx?.exited;
      await Promise.all(Object.values(instances).map((s) => s?.stop().catch(() => undefined)));
      if (admin && dbName)
        await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
      await admin?.end({ timeout: 1 });
      if (dir) await rm(dir, { recursive: true, force: true });
    }, 45_000);

    it('names the public URLs in OAuth and OIDC discovery through nginx', async () => {
      const resource = await getJson('/.well-known/oauth-protected-resource/mcp');
      expect(resource).toMatchObject({ resource: publicMcp, authorization_servers: [publicUrl] });
      const oauth = await getJson('/.well-known/oauth-authorization-server');
      expect(oauth).toMatchObject({
        issuer: publicUrl,
        token_endpoint: `${publicUrl}/api/auth/token`,
        authorization_endpoint: `${publicUrl}/api/auth/authorize`,
        registration_endpoint: `${publicUrl}/api/auth/register`,
        jwks_uri: `${publicUrl}/.well-known/jwks.json`,
      });
      const oidc = await getJson('/.well-known/openid-configuration');
      expect(oidc).toMatchObject({
        issuer: publicUrl,
        token_endpoint: `${publicUrl}/api/auth/token`,
        userinfo_endpoint: `${publicUrl}/api/auth/userinfo`,
      });

      // What an MCP client does on its own: from the /mcp URL to the authorization server's metadata.
      const info = await discoverOAuthServerInfo(publicMcp, { fetchFn: publicFetch });
      expect(info.authorizationServerUrl).toBe(publicUrl);
      expect(info.authorizationServerMetadata?.token_endpoint).toBe(`${publicUrl}/api/auth/token`);
      expect(info.resourceMetadata?.resource).toBe(publicMcp);

      // Unauthenticated /mcp: the challenge points at the public metadata.
      const challenge = await publicFetch(publicMcp, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: '{}',
      });
      expect(challenge.status).toBe(401);
      expect(challenge.headers.get('www-authenticate')).toContain(
        `resource_metadata="${publicUrl}/.well-known/oauth-protected-resource/mcp"`,
      );
    });

    it('does not let a client forge the public URL through nginx', async () => {
      const forged = await getJson('/.well-known/oauth-authorization-server', {
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'http',
        'x-forwarded-prefix': '/evil',
      });
      expect(forged.token_endpoint).toBe(`${publicUrl}/api/auth/token`);
    });

    it('serves the sub-path variant with the prefix in every URL', async () => {
      const oidc = await getJson('/diracx/.well-known/openid-configuration');
      expect(oidc.token_endpoint).toBe(`${publicUrl}/diracx/api/auth/token`);
      expect(oidc.jwks_uri).toBe(`${publicUrl}/diracx/.well-known/jwks.json`);
      const oauth = await getJson('/.well-known/oauth-authorization-server/diracx');
      expect(oauth.device_authorization_endpoint).toBe(`${publicUrl}/diracx/api/auth/device`);
      const redirect = await publicFetch(`${publicUrl}/diracx/api/config`);
      expect(redirect.status).toBe(307);
      expect(redirect.headers.get('location')).toBe(`${publicUrl}/diracx/api/config/`);
      const config = await publicFetch(redirect.headers.get('location')!, {
        headers: { authorization: `Bearer ${restToken}` },
      });
      expect(config.status).toBe(200);
    });

    it('keeps an MCP client working while its requests alternate between the instances', async () => {
      const seen: (string | null)[] = [];
      const { client, idle } = await mcpClient(seen);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toContain('search_jobs');
        // The client's own GET /mcp after initialisation (an SSE probe, 405 here) runs beside the
        // calls above; let it finish so that only the calls below go through nginx.
        await Bun.sleep(200);
        await waitFor(idle, { timeoutMs: 5000, description: 'the MCP client to have no request in flight' });
        seen.length = 0;
        for (let i = 0; i < 10; i++) {
          const result = await client.callTool({ name: 'whoami', arguments: {} });
          expect(result.isError).toBeFalsy();
          expect(JSON.stringify(result.structuredContent)).toContain('chaen');
        }
      } finally {
        await client.close();
      }
      // Each instance logs a request once its response is sent, and the line reaches us through
      // the process's stdout pipe a little later: wait for every line before reading them.
      await waitFor(() => seen.every((id) => servedBy(id) !== undefined), {
        timeoutMs: 5000,
        description: "every request's log line from the instance that served it",
      }).catch(() => undefined);
      const servers = seen.map(servedBy);
      expect(servers.every((s) => s !== undefined)).toBe(true);
      // Round-robin, one request at a time: each call lands on the other instance than the last.
      for (let i = 1; i < servers.length; i++) expect(servers[i]).not.toBe(servers[i - 1]);
      expect(new Set(servers)).toEqual(new Set(['a', 'b']));
    });

    it('loses no acknowledged submission while one instance restarts', async () => {
      const submissions: Submission[] = [];
      const { client } = await mcpClient();
      let stop = false;
      let counter = 0;
      const submitRest = async (name: string): Promise<Submission> => {
        const res = await publicFetch(`${publicUrl}/api/jobs/jdl`, {
          method: 'POST',
          headers: { authorization: `Bearer ${restToken}`, 'content-type': 'application/json' },
          body: JSON.stringify([`[Executable = "echo"; JobName = "${name}";]`]),
        });
        if (res.status < 200 || res.status > 299)
          return { via: 'rest', name, error: `HTTP ${res.status}: ${await res.text()}` };
        return { via: 'rest', name, jobIds: ((await res.json()) as { JobID: number }[]).map((j) => j.JobID) };
      };
      const submitMcp = async (name: string): Promise<Submission> => {
        try {
          const result = await client.callTool({
            name: 'submit_job',
            arguments: { executable: 'echo', job_name: name },
          });
          if (result.isError) return { via: 'mcp', name, error: JSON.stringify(result.content) };
          return { via: 'mcp', name, jobIds: (result.structuredContent as { job_ids: number[] }).job_ids };
        } catch (err) {
          return { via: 'mcp', name, error: err instanceof Error ? err.message : String(err) };
        }
      };
      const worker = async (w: number): Promise<void> => {
        while (!stop) {
          const name = `nginx-${w}-${counter++}`;
          // REST or MCP at random: no lock-step with nginx's round-robin.
          submissions.push(await (Math.random() < 0.5 ? submitRest(name) : submitMcp(name)));
        }
      };
      const workers = [0, 1, 2, 3].map(worker);
      try {
        await Bun.sleep(1000);
        const before = submissions.length;
        // SIGTERM: the instance closes each connection after its response for a second (nginx
        // stops reusing them), stops accepting, drains what it has, closes the database, exits 0.
        expect(await instances.a!.stop('SIGTERM')).toBe(0);
        await Bun.sleep(500);
        const restarted = await startInstance('a');
        await waitFor(
          () => restarted.logs().some((l) => l.msg === 'request' && (l.path === '/api/jobs/jdl' || l.path === '/mcp')),
          {
            // nginx tries it again after the upstream's fail_timeout (5 s).
            timeoutMs: 15_000,
            description: 'the restarted instance to take submissions',
          },
        );
        await Bun.sleep(500);
        expect(submissions.length).toBeGreaterThan(before);
      } finally {
        stop = true;
        await Promise.all(workers);
        await client.close();
      }

      const acknowledged = submissions.filter((s) => s.jobIds);
      const failed = submissions.filter((s) => !s.jobIds);
      // Requests nginx passed to the next instance after a connection failure name both in its log.
      const nginxLog = (await readFile(join(dir, 'access.log'), 'utf8')).split('\n');
      const retried = nginxLog.filter((l) => /upstream=\S+, /.test(l));
      const answered5xx = nginxLog.filter((l) => /" 5\d\d /.test(l));
      console.info(
        `nginx restart test: ${acknowledged.length} acknowledged, ` +
          `${failed.length} failed, ${retried.length} retried on the other instance`,
        { failed: failed.slice(0, 3), retried: retried.slice(0, 2), answered5xx: answered5xx.slice(0, 3) },
      );
      expect(acknowledged.length).toBeGreaterThan(20);
      expect(acknowledged.some((s) => s.via === 'rest') && acknowledged.some((s) => s.via === 'mcp')).toBe(true);

      const ids = acknowledged.flatMap((s) => s.jobIds!);
      const sql = postgres(env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql<
          { JobID: number; JobName: string }[]
        >`select "JobID", "JobName" from "Jobs" where "JobID" in ${sql(ids)}`;
        const stored = new Map(rows.map((r) => [r.JobID, r.JobName]));
        const lost = acknowledged.filter((s) => s.jobIds!.some((id) => stored.get(id) !== s.name));
        expect(lost).toEqual([]);
      } finally {
        await sql.end({ timeout: 1 });
      }
      // Both the process that was stopped and the one started in its place took submissions.
      const onA = processes
        .filter((p) => p.name === 'a')
        .map((p) => p.server.logs().filter((l) => l.path === '/api/jobs/jdl' || l.path === '/mcp').length);
      expect(onA.length).toBe(2);
      expect(onA.every((n) => n > 0)).toBe(true);
    }, 40_000);
  });
}
