/**
 * The sandbox routes served over real HTTP for route tests: an OpenAPIHono app with
 * `registerSandboxRoutes` over `createTestApp()`'s dependencies, behind `Bun.serve` on a free
 * port, so presigned URLs (local store: on this server; S3: on moto) are fetched as a client
 * would. Job submission goes through the test app's own handler (same database).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxDeps, SandboxStoreSettings } from '../../../src/logic/sandboxes/models.ts';
import { RouteCatalogue } from '../../../src/routes/access.ts';
import type { ApiEnv } from '../../../src/routes/env.ts';
import { registerSandboxRoutes } from '../../../src/routes/jobs/sandboxes.ts';
import { validationHook } from '../../../src/routes/validation.ts';
import { toHttpResponse } from '../../../src/wire/http-errors.ts';
import { FsBlobDirectory } from '../../../src/storage/fs-directory.ts';
import { importSigningSecret } from '../../../src/storage/local-signature.ts';
import { LocalObjectStore } from '../../../src/storage/local-store.ts';
import { toHex } from '../../../src/storage/object-store.ts';
import { S3ObjectStore } from '../../../src/storage/s3-store.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { MOTO_CREDENTIALS, MOTO_REGION } from '../../harness/s3.ts';
import { PEOPLE, type Person } from '../jobs/harness.ts';

export const STORE_SETTINGS: SandboxStoreSettings = {
  bucketName: 'sandboxes',
  seName: 'SandboxSE',
  urlValiditySeconds: 300,
  maxSizeBytes: 100 * 1024 * 1024,
};

export type StoreChoice =
  | { kind: 'local'; maxSizeBytes?: number }
  | { kind: 's3'; endpoint: string; bucket: string; requestTimeoutMs?: number }
  | { kind: 'none' };

export interface Reply {
  status: number;
  body: unknown;
}

export interface SandboxApp {
  t: TestApp;
  /** `http://127.0.0.1:<port>` of the served sandbox routes. */
  base: string;
  deps: SandboxDeps | undefined;
  /** The local store's clock (signatures and their expiry); the system clock by default. */
  clock: { offsetMs: number };
  /** A JSON call to the sandbox routes over HTTP as `who`. */
  call(who: Person, method: string, path: string, body?: unknown): Promise<Reply>;
  stop(): Promise<void>;
}

export interface Sandbox {
  data: Uint8Array<ArrayBuffer>;
  info: { checksum_algorithm: 'sha256'; checksum: string; size: number; format: 'tar.zst' | 'tar.bz2' };
}

/** Random bytes and the `SandboxInfo` describing them. */
export async function makeSandbox(size = 512): Promise<Sandbox> {
  const data = crypto.getRandomValues(new Uint8Array(size));
  const checksum = toHex(await crypto.subtle.digest('SHA-256', data));
  return { data, info: { checksum_algorithm: 'sha256', checksum, size, format: 'tar.zst' } };
}

/** DiracX's client upload (`diracx-api` `create_sandbox`): multipart POST of the fields, then the file. */
export async function postUpload(
  url: string,
  fields: Record<string, string>,
  data: Uint8Array<ArrayBuffer>,
  signal?: AbortSignal,
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([data]), 'file');
  return fetch(url, { method: 'POST', body: form, signal });
}

async function buildDeps(
  choice: StoreChoice,
  clock: { offsetMs: number },
): Promise<{ deps: SandboxDeps | undefined; cleanup: () => Promise<void> }> {
  if (choice.kind === 'none') return { deps: undefined, cleanup: async () => {} };
  if (choice.kind === 's3') {
    const { endpoint, bucket, requestTimeoutMs } = choice;
    const store = new S3ObjectStore({
      endpoint,
      bucket,
      region: MOTO_REGION,
      credentials: MOTO_CREDENTIALS,
      requestTimeoutMs,
    });
    await store.ensureBucket(true);
    return { deps: { store, settings: { ...STORE_SETTINGS, bucketName: bucket } }, cleanup: async () => {} };
  }
  const root = await mkdtemp(join(tmpdir(), 'sandbox-routes-'));
  const directory = new FsBlobDirectory(root);
  const settings = { ...STORE_SETTINGS, maxSizeBytes: choice.maxSizeBytes ?? STORE_SETTINGS.maxSizeBytes };
  const store = new LocalObjectStore({
    directory,
    signingKey: await importSigningSecret(await directory.signingSecret()),
    maxSizeBytes: settings.maxSizeBytes,
    now: () => new Date(Date.now() + clock.offsetMs),
  });
  return { deps: { store, settings }, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export async function startSandboxApp(choice: StoreChoice = { kind: 'local' }): Promise<SandboxApp> {
  const clock = { offsetMs: 0 };
  const { deps, cleanup } = await buildDeps(choice, clock);
  const t = await createTestApp({ sandboxes: deps });
  const api = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  registerSandboxRoutes(api, t.apiDeps, new RouteCatalogue());
  api.onError((err) => toHttpResponse(err, t.apiDeps.log));
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (req) => api.fetch(req) });
  const base = server.url.origin;
  return {
    t,
    base,
    deps,
    clock,
    async call(who, method, path, body) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (who !== 'anonymous') {
        const [vo, group, user] = PEOPLE[who];
        headers.authorization = `Bearer ${await t.tokens.tokenFor(vo, group, user)}`;
      }
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    async stop() {
      await server.stop(true);
      await t.dispose();
      await cleanup();
    },
  };
}

/** Registers and uploads `sb` as `who`, as DiracX's client does; returns the full PFN. */
export async function uploadSandbox(app: SandboxApp, who: Person, sb: Sandbox): Promise<string> {
  const res = await app.call(who, 'POST', '/api/jobs/sandbox', sb.info);
  if (res.status !== 200) throw new Error(`initiate upload as ${who}: ${res.status} ${JSON.stringify(res.body)}`);
  const { pfn, url, fields } = res.body as { pfn: string; url: string | null; fields: Record<string, string> };
  if (url) {
    const up = await postUpload(url, fields, sb.data);
    if (up.status !== 204) throw new Error(`upload as ${who}: ${up.status} ${await up.text()}`);
  }
  return pfn;
}
