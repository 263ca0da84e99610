/**
 * The same handler in a Workers-style runtime: `src/workers-entry.ts` bundled as a deployment
 * bundles it, with a build manifest enabling the example extension gubbins (as
 * `DIRACX_BUILD_EXTENSIONS=@diracx-ts/gubbins` generates it; the default build has none), and
 * run in workerd through miniflare, with its configuration, keystore and settings as bindings
 * and a real PostgreSQL reached over TCP
 * (postgres.js over `cloudflare:sockets`, one connection scope per request). It answers the
 * liveness and readiness probes, OIDC discovery and the JWKS, and `/mcp`: a 401 challenge
 * without a token, `tools/list` (core and extension tools) and a tool that reads the database
 * with a token minted from the same keystore. Skipped, with the reason in its name, when workerd
 * or PostgreSQL is missing, unless DIRACX_REQUIRE_WORKERS_TESTS=1 makes that a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Miniflare } from 'miniflare';
import postgres from 'postgres';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import gubbins from '@diracx-ts/gubbins';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import { parseConfig } from '../../src/config/parse.ts';
import { composeExtensions } from '../../src/extensions/compose.ts';
import { encodeBase64Url } from '../../src/logic/auth/encoding.ts';
import { generateKeystore, type Keystore } from '../../src/logic/auth/tokens/keystore.ts';
import { WORKER_COMPATIBILITY_DATE, WORKER_COMPATIBILITY_FLAGS } from '../../src/workers-entry/runtime.ts';
import { mintTokenFor } from '../harness/auth.ts';
import {
  buildWorkerBundle,
  createWorkerTestDatabase,
  postgresAvailability,
  workerdAvailability,
  WORKERS_TESTS_REQUIRED,
  type WorkerBundle,
  type WorkerTestDatabase,
} from './harness.ts';

/** The worker's public origin: miniflare's `upstream` makes requests arrive with this URL and Host. */
const ORIGIN = 'http://localhost';
const MCP_URL = `${ORIGIN}/mcp`;

const workerd = await workerdAvailability();
const pg = postgresAvailability();
const unavailable = [workerd, pg].flatMap((a) => (a.available ? [] : [a.reason]));
/** The build manifest's extensions here: the example extension, enabled explicitly. */
const EXTENSIONS = [gubbins];
const NAME = 'src/workers-entry.ts in workerd (miniflare), database over TCP (postgres.js over cloudflare:sockets)';

if (unavailable.length > 0 && !WORKERS_TESTS_REQUIRED) {
  const skippedTitle = [
    `${NAME} (skipped: ${unavailable.join('; ')};`,
    `set DIRACX_REQUIRE_WORKERS_TESTS=1 to fail instead)`,
  ].join(' ');
  describe.skip(skippedTitle, () => {
    it('answers health, OIDC discovery and MCP tools/list', () => {});
  });
} else {
  describe(NAME, () => {
    let dir: string | undefined;
    let bundle: WorkerBundle;
    let db: WorkerTestDatabase | undefined;
    let mf: Miniflare | undefined;
    let keystore: Keystore;
    let rawConfig: unknown;
    /** workerd's own HTTP listener; `upstream` rewrites what arrives there to ORIGIN (URL and Host). */
    let listening: URL;

    const worker = (): Miniflare => {
      if (!mf) throw new Error('the worker did not start');
      return mf;
    };
    const get = async (path: string): Promise<Response> =>
      (await worker().dispatchFetch(`${ORIGIN}${path}`)) as unknown as Response;
    const mcp = async (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
      (await worker().dispatchFetch(MCP_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
        body: JSON.stringify(body),
      })) as unknown as Response;
    /** A token for chaen (lhcb_user): for `/mcp` by default, for the REST API (no audience) with `null`. */
    const token = (audience: string | null = MCP_URL): Promise<string> => {
      const config = parseConfig(rawConfig, composeExtensions(EXTENSIONS).configSchema);
      return mintTokenFor(config, keystore, ORIGIN, {
        vo: 'lhcb',
        group: 'lhcb_user',
        preferredUsername: 'chaen',
        audience: audience ?? undefined,
      });
    };

    beforeAll(async () => {
      if (unavailable.length > 0)
        throw new Error(`DIRACX_REQUIRE_WORKERS_TESTS=1 but the workers test cannot run: ${unavailable.join('; ')}`);
      dir = await mkdtemp(join(tmpdir(), 'diracx-worker-'));
      [bundle, db] = await Promise.all([
        buildWorkerBundle(dir, { extensions: ['@diracx-ts/gubbins'] }),
        createWorkerTestDatabase(EXTENSIONS),
      ]);
      // A row written by this process must come back through the worker's own connection.
      const seed = postgres(db.url, { max: 1, onnotice: () => {} });
      await seed`INSERT INTO "GubbinsOwners" ("VO", "Name", "CreatedBy") VALUES ('lhcb', 'Seeded', 'test')`;
      await seed.end();
      keystore = await generateKeystore('Ed25519');
      rawConfig = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text());
      mf = new Miniflare({
        modules: true,
        scriptPath: bundle.path,
        modulesRoot: bundle.dir,
        compatibilityDate: WORKER_COMPATIBILITY_DATE,
        compatibilityFlags: [...WORKER_COMPATIBILITY_FLAGS],
        upstream: ORIGIN,
        bindings: {
          // A YAML configuration is converted to JSON when deploying; the worker reads JSON.
          DIRACX_CONFIG_DOCUMENT: JSON.stringify(rawConfig),
          DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: JSON.stringify(keystore),
          DIRACX_SERVICE_AUTH_TOKEN_ISSUER: ORIGIN,
          DIRACX_SERVICE_AUTH_STATE_KEY: encodeBase64Url(crypto.getRandomValues(new Uint8Array(32))),
          DATABASE_URL: db.url,
          DIRACX_ACCESS_LOG: 'false',
          // Below the default (300 s): the worker must honour it as the process does.
          DIRACX_JOB_STATUS_MAX_FUTURE_SECONDS: '60',
        },
      });
      listening = await mf.ready;
    });

    afterAll(async () => {
      await mf?.dispose().catch(() => undefined);
      await db?.dispose();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('is bundled with the manifest, importing only runtime modules postgres.js and the database scope need', () => {
      const specifiers = [...new Set(bundle.runtimeImports.map((i) => i.specifier))].sort();
      expect(specifiers).toEqual([
        'cloudflare:sockets',
        'node:async_hooks',
        'node:buffer',
        'node:events',
        'node:stream',
      ]);
      // None of them comes from the handler or the logic: only postgres.js and the worker's database module.
      const importers = [
        ...new Set(
          bundle.runtimeImports.map((i) => i.importer.replace(/^.*node_modules\/postgres\/.*$/, 'postgres.js')),
        ),
      ].sort();
      expect(importers).toEqual(['postgres.js', 'src/workers-entry/database.ts']);
    });

    it('is built from the manifest’s extension and the handler, without the process’s file/env/Bun code', async () => {
      const { ownFiles } = bundle;
      expect(ownFiles).toContain('extensions/manifest.gen.ts');
      expect(ownFiles).toContain('extensions/gubbins/src/index.ts');
      expect(ownFiles).toContain('src/handler.ts');
      expect(
        ownFiles.filter(
          (f) =>
            f.startsWith('src/process/') ||
            f === 'src/config/file-source.ts' ||
            f === 'src/server.ts' ||
            f === 'src/db/open.ts',
        ),
      ).toEqual([]);
      const usesBun: string[] = [];
      for (const file of ownFiles) {
        const code = (await Bun.file(new URL(`../../${file}`, import.meta.url)).text()).replace(
          /\/\*[\s\S]*?\*\/|\/\/.*$/gm,
          '',
        );
        if (/\bBun\s*\.|\bBun\b\s*\[/.test(code)) usesBun.push(file);
      }
      expect(usesBun).toEqual([]);
    });

    it('answers the liveness probe', async () => {
      const res = await get('/api/health/live');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'live' });
    });

    it('answers the readiness probe from PostgreSQL, request after request (connections are per request)', async () => {
      for (let i = 0; i < 3; i++) {
        const res = await get('/api/health/ready');
        expect(await res.json()).toEqual({ status: 'ready' });
        expect(res.status).toBe(200);
      }
    });

    it('serves the OIDC discovery document and the keystore’s public keys', async () => {
      const res = await get('/.well-known/openid-configuration');
      expect(res.status).toBe(200);
      const discovery = (await res.json()) as Record<string, unknown>;
      expect(discovery).toMatchObject({
        issuer: ORIGIN,
        token_endpoint: `${ORIGIN}/api/auth/token`,
        jwks_uri: `${ORIGIN}/.well-known/jwks.json`,
      });
      const jwks = (await (await get('/.well-known/jwks.json')).json()) as { keys: { kid: string; d?: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toEqual(keystore.keys.map((k) => k.kid));
      expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    });

    it('refuses /mcp without a token with 401 and the resource_metadata challenge', async () => {
      const res = await mcp({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge).toStartWith('Bearer error="invalid_token"');
      expect(challenge).toContain(`resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource/mcp"`);
    });

    it('lists the core tools and the manifest extension’s tools over MCP with a valid token', async () => {
      const res = await mcp(
        { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
        { authorization: `Bearer ${await token()}` },
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { result?: { tools: { name: string }[] }; error?: unknown };
      expect(body.error).toBeUndefined();
      const names = (body.result?.tools ?? []).map((t) => t.name);
      expect(names).toContain('search_jobs');
      expect(names).toContain('list_gubbins_owners');
    });

    it('calls an extension tool that reads its own table over the worker’s database connection', async () => {
      const res = await mcp(
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_gubbins_owners', arguments: {} } },
        { authorization: `Bearer ${await token()}` },
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        result?: { isError?: boolean; structuredContent?: { success: boolean; owners: { Name: string }[] } };
      };
      expect(body.result?.isError ?? false).toBe(false);
      expect(body.result?.structuredContent?.success).toBe(true);
      expect(body.result?.structuredContent?.owners.map((o) => o.Name)).toEqual(['Seeded']);
    });

    it('serves the v2 SDK client pinned to 2026-07-28 over HTTP: tools/list and a database tool call', async () => {
      const client = new Client(
        { name: 'workers-test', version: '1.0.0' },
        { versionNegotiation: { mode: { pin: '2026-07-28' } } },
      );
      await client.connect(
        new StreamableHTTPClientTransport(new URL('/mcp', listening), {
          requestInit: { headers: { authorization: `Bearer ${await token()}` } },
        }),
      );
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
        const names = (await client.listTools()).tools.map((t) => t.name);
        expect(names).toContain('search_jobs');
        expect(names).toContain('list_gubbins_owners');
        const result = await client.callTool({ name: 'list_gubbins_owners', arguments: {} });
        expect(result.isError ?? false).toBe(false);
        expect((result.structuredContent as { owners: { Name: string }[] }).owners.map((o) => o.Name)).toEqual([
          'Seeded',
        ]);
      } finally {
        await client.close();
      }
    });

    it('serves the REST API over the same database: the extension’s route and a core job search', async () => {
      const authorization = `Bearer ${await token(null)}`;
      const owners = (await worker().dispatchFetch(`${ORIGIN}/api/gubbins/owners`, {
        headers: { authorization },
      })) as unknown as Response;
      expect(owners.status).toBe(200);
      expect(((await owners.json()) as { Name: string }[]).map((o) => o.Name)).toEqual(['Seeded']);
      const search = (await worker().dispatchFetch(`${ORIGIN}/api/jobs/search`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ parameters: ['JobID'] }),
      })) as unknown as Response;
      expect(search.status).toBe(200);
      expect(await search.json()).toEqual([]);
    });

    it('honours the settings as the process does: a status update past the future bound is 422', async () => {
      const headers = { authorization: `Bearer ${await token(null)}`, 'content-type': 'application/json' };
      const rest = async (method: string, path: string, body: unknown): Promise<Response> =>
        (await worker().dispatchFetch(`${ORIGIN}${path}`, {
          method,
          headers,
          body: JSON.stringify(body),
        })) as unknown as Response;
      const submitted = await rest('POST', '/api/jobs/jdl', ['[Executable = "echo"; Arguments = "hello";]']);
      expect(submitted.status).toBe(201);
      const id = ((await submitted.json()) as { JobID: number }[])[0]!.JobID;
      const search = {
        parameters: ['Status', 'MinorStatus'],
        search: [{ parameter: 'JobID', operator: 'eq', value: id }],
      };
      const status = async (): Promise<unknown> => (await rest('POST', '/api/jobs/search', search)).json();
      const before = await status();
      // Two minutes ahead: within the default, beyond the 60 s this worker is configured with.
      const ahead = new Date(Date.now() + 120_000).toISOString();
      const res = await rest('PATCH', '/api/jobs/status', { [id]: { [ahead]: { Status: 'Killed', Source: 'Test' } } });
      expect(res.status).toBe(422);
      const [issue] = ((await res.json()) as { detail: { msg: string }[] }).detail;
      expect(issue!.msg).toContain('more than 60 seconds in the future');
      expect(await status()).toEqual(before);
    });
  });
}
