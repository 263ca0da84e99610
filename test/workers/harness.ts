/**
 * Running `src/workers-entry.ts` in workerd from a test: the bundle (built the way a deployment builds
 * it), whether workerd starts on this machine, and a fresh migrated PostgreSQL database the
 * worker reaches over TCP (from DATABASE_URL's server, else a private throw-away cluster).
 */
import { Miniflare } from 'miniflare';
import postgres from 'postgres';
import { relative } from 'node:path';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { IN_MEMORY, openDatabase } from '../../src/db/open.ts';
import { composeExtensions } from '../../src/extensions/compose.ts';
import type { Extension } from '../../src/extensions/contract.ts';
import { migrateExtensions } from '../../src/extensions/migrate.ts';
import { MANIFEST_PATH, renderManifest } from '../../src/process/extensions-manifest.ts';
import {
  WORKER_BUNDLE_OPTIONS,
  WORKER_COMPATIBILITY_DATE,
  WORKER_COMPATIBILITY_FLAGS,
} from '../../src/workers-entry/runtime.ts';
import { urlForDatabase } from '../harness/database.ts';
import { postgresServerAvailability, startPrivatePostgres, type PrivatePostgres } from '../harness/postgres-cluster.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Set in CI: a machine where workerd or PostgreSQL is missing fails instead of skipping. */
export const WORKERS_TESTS_REQUIRED = Bun.env.DIRACX_REQUIRE_WORKERS_TESTS === '1';

export type Availability = { available: true } | { available: false; reason: string };

/** Whether workerd starts here: a one-line worker is run through miniflare. */
export async function workerdAvailability(): Promise<Availability> {
  let mf: Miniflare | undefined;
  try {
    mf = new Miniflare({
      modules: true,
      script: 'export default { fetch: () => new Response("ok") }',
      compatibilityDate: WORKER_COMPATIBILITY_DATE,
      compatibilityFlags: [...WORKER_COMPATIBILITY_FLAGS],
    });
    const res = await mf.dispatchFetch('http://localhost/');
    if ((await res.text()) !== 'ok') return { available: false, reason: `workerd answered ${res.status}` };
    return { available: true };
  } catch (err) {
    return {
      available: false,
      reason: `workerd cannot start here: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`,
    };
  } finally {
    await mf?.dispose().catch(() => undefined);
  }
}

/** Whether a PostgreSQL server is at hand: DATABASE_URL's, or a private cluster's binaries. */
export function postgresAvailability(): Availability {
  if (Bun.env.DATABASE_URL) return { available: true };
  const binaries = postgresServerAvailability();
  return binaries.available
    ? { available: true }
    : { available: false, reason: `no DATABASE_URL and ${binaries.reason}` };
}

export interface WorkerBundle {
  /** The bundled module. */
  path: string;
  dir: string;
  /** Runtime modules the bundle imports (`node:*`, `cloudflare:*`), each with the file importing it. */
  runtimeImports: { specifier: string; importer: string }[];
  /** Our own modules in the bundle (the project's and the extensions'), relative to the root. */
  ownFiles: string[];
}

export interface WorkerBundleOptions {
  /**
   * The extensions (package names) of the build manifest the bundle is built with, as
   * `DIRACX_BUILD_EXTENSIONS` would have generated it; default: the committed manifest's.
   */
  extensions?: readonly string[];
}

/** Bundles `src/workers-entry.ts` into `outdir` as a deployment does (see `src/workers-entry/runtime.ts`). */
export async function buildWorkerBundle(outdir: string, options: WorkerBundleOptions = {}): Promise<WorkerBundle> {
  const manifest = `${ROOT}${MANIFEST_PATH}`;
  const runtimeImports: WorkerBundle['runtimeImports'] = [];
  const ownFiles = new Set<string>();
  const result = await Bun.build({
    entrypoints: [`${ROOT}src/workers-entry.ts`],
    outdir,
    target: WORKER_BUNDLE_OPTIONS.target,
    format: WORKER_BUNDLE_OPTIONS.format,
    conditions: [...WORKER_BUNDLE_OPTIONS.conditions],
    external: [...WORKER_BUNDLE_OPTIONS.external],
    throw: false,
    plugins: [
      {
        name: 'record-runtime-imports',
        setup(build) {
          build.onResolve({ filter: /^(node|cloudflare|bun):|^bun$/ }, (args) => {
            runtimeImports.push({ specifier: args.path, importer: relative(ROOT, args.importer) });
            return { path: args.path, external: true };
          });
          build.onLoad({ filter: /\.ts$/ }, async (args) => {
            if (!args.path.includes('/node_modules/')) ownFiles.add(relative(ROOT, args.path));
            if (args.path === manifest && options.extensions)
              return { contents: renderManifest(options.extensions), loader: 'ts' };
            return { contents: await Bun.file(args.path).text(), loader: 'ts' };
          });
        },
      },
    ],
  });
  const errors = result.logs.filter((l) => l.level === 'error').map(String);
  if (!result.success || errors.length > 0) throw new Error(`the worker bundle failed:\n${errors.join('\n')}`);
  const entry = result.outputs.find((o) => o.kind === 'entry-point');
  if (!entry) throw new Error('the worker bundle has no entry point');
  return { path: entry.path, dir: outdir, runtimeImports, ownFiles: [...ownFiles].sort() };
}

export interface WorkerTestDatabase {
  /** The URL the worker connects to (a fresh database, migrated with the extensions' tables). */
  url: string;
  dispose(): Promise<void>;
}

/**
 * A fresh database on DATABASE_URL's server, or on a private cluster when it is unset, migrated
 * from this (Bun) process with the core's and the extensions' migrations, as `bun run migrate`
 * would before a deployment.
 */
export async function createWorkerTestDatabase(extensions: readonly Extension[]): Promise<WorkerTestDatabase> {
  let cluster: PrivatePostgres | undefined;
  let baseUrl = Bun.env.DATABASE_URL;
  if (baseUrl === undefined) {
    cluster = await startPrivatePostgres();
    baseUrl = cluster.url;
  }
  const dbName = `w_${crypto.randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${dbName}"`);
    const url = urlForDatabase(baseUrl, dbName);
    const database = await openDatabase({ url, dataDir: IN_MEMORY, poolSize: 2 });
    try {
      await migrateDatabase(database);
      await migrateExtensions(database, composeExtensions(extensions).migrations);
    } finally {
      await database.close();
    }
    return {
      url,
      dispose: async () => {
        await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
        await admin.end();
        await cluster?.destroy();
      },
    };
  } catch (err) {
    await admin.end().catch(() => undefined);
    await cluster?.destroy();
    throw err;
  }
}
