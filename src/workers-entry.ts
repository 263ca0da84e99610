/**
 * @module workers-entry
 * The Workers-style entry (Cloudflare Workers, workerd, miniflare): the same fetch handler as
 * `src/server.ts` serves, with the build manifest's extensions, its dependencies built from the
 * worker's bindings (`src/workers-entry/bindings.ts` lists them: the configuration document, the
 * keystore secret, the settings, `DATABASE_URL` or a Hyperdrive binding).
 *
 * Bundle:
 * `bun build src/workers-entry.ts --target=browser --conditions=workerd --external 'node:*' --external 'cloudflare:*'`
 * (`src/workers-entry/runtime.ts`); run with the `nodejs_compat` flag.
 *
 * Unlike the process, a worker does not migrate the database (a server process over the same
 * database does at start, the extensions' tables included), reload its configuration (a new one is
 * a new deployment), delete expired login flows (a server process over the same database does), nor
 * serve sandboxes (no store is bound: those routes answer 503).
 */
import { EXTENSIONS } from '../extensions/manifest.gen.ts';
import { createWorker } from './workers-entry/app.ts';

export type { WorkerEnv } from './workers-entry/bindings.ts';

export default createWorker(EXTENSIONS);
