/**
 * @module workers-entry/runtime
 * How `src/workers-entry.ts` is bundled and which runtime settings it needs, in one place for the
 * tests and deployment configuration (`wrangler.toml`: `compatibility_date`,
 * `compatibility_flags`, and a custom build running the same `bun build`).
 */

/** A date the worker is tested with (workerd accepts dates up to its own release). */
export const WORKER_COMPATIBILITY_DATE = '2026-07-01';

/**
 * `nodejs_compat`: postgres.js's workerd build imports `node:buffer`, `node:stream` and
 * `node:events`, and the per-request database scope uses `node:async_hooks`.
 */
export const WORKER_COMPATIBILITY_FLAGS: readonly string[] = ['nodejs_compat'];

/**
 * The bundle: ESM for a browser-like platform, resolving packages' `workerd` export condition
 * (postgres.js over `cloudflare:sockets`), leaving runtime modules to workerd. The command line:
 *
 *     bun build src/workers-entry.ts --target=browser --conditions=workerd \
 *       --external 'node:*' --external 'cloudflare:*' --outdir <dir>
 */
export const WORKER_BUNDLE_OPTIONS = {
  target: 'browser',
  format: 'esm',
  conditions: ['workerd'],
  external: ['node:*', 'cloudflare:*'],
} as const;
