/**
 * @module workers-entry/app
 * The server as a Workers-style module (`export default { fetch(request, env, ctx) }`): on the
 * first request of an isolate it builds the handler's dependencies from the bindings (see
 * `bindings.ts`) and `createHandler`; every request then goes to that handler. Web-standard
 * only; nothing here reads files or the environment.
 */
import { authFlowSettings } from '../auth-flow-settings.ts';
import { ConfigStore } from '../config/store.ts';
import { composeExtensions } from '../extensions/compose.ts';
import type { Extension } from '../extensions/contract.ts';
import { createHandler, type FetchHandler } from '../handler.ts';
import { handlerAuth, handlerMcpOptions, handlerOptions, remoteKeyRingFromSettings } from '../handler-settings.ts';
import { createAuthFlowServices } from '../logic/auth/flows/flow-context.ts';
import { LocalKeyRing } from '../logic/auth/tokens/key-ring.ts';
import { importStateKey, stateKeyBytes } from '../logic/auth/flows/state.ts';
import { createJsonLogger, describeError, type Logger } from '../core/logger.ts';
import { importCsrfKey } from '../routes/auth/pages/csrf.ts';
import { detailResponse } from '../wire/http-errors.ts';
import {
  configFromBindings,
  databaseUrlFromBindings,
  keystoreFromBindings,
  settingsFromBindings,
  WorkerBindingError,
  type WorkerEnv,
} from './bindings.ts';
import { requestScopedDatabase, type RequestScopedDatabase } from './database.ts';

/** The part of the Workers `ExecutionContext` the worker uses. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
}

export interface WorkerModule {
  fetch(request: Request, env: WorkerEnv, ctx: WorkerContext): Promise<Response>;
}

/** What one isolate serves with: the handler and the database whose connections are per request. */
export interface WorkerHandler {
  handler: FetchHandler;
  database: RequestScopedDatabase;
}

/**
 * Builds the handler of one isolate from its bindings. Throws with one line: `WorkerBindingError`
 * for a missing or wrong binding, `ExtensionError` for extensions that conflict.
 */
export async function buildWorkerHandler(
  env: WorkerEnv,
  extensions: readonly Extension[],
  log: Logger,
): Promise<WorkerHandler> {
  const settings = settingsFromBindings(env);
  const composed = composeExtensions(extensions);
  const config = new ConfigStore(await configFromBindings(env, composed.configSchema));
  const issuer = settings.DIRACX_SERVICE_AUTH_TOKEN_ISSUER;
  if (!issuer)
    throw new WorkerBindingError(
      'DIRACX_SERVICE_AUTH_TOKEN_ISSUER is not set: a worker has no port to derive its public URL from',
    );
  const stateKeySetting = settings.DIRACX_SERVICE_AUTH_STATE_KEY;
  if (!stateKeySetting) {
    throw new WorkerBindingError(
      'DIRACX_SERVICE_AUTH_STATE_KEY is not set: requests of ' +
        'one login land on different isolates, which must share the key',
    );
  }
  const keyRing = remoteKeyRingFromSettings(settings) ?? new LocalKeyRing(keystoreFromBindings(settings));
  const database = requestScopedDatabase(
    databaseUrlFromBindings(env, settings),
    settings.DIRACX_DB_POOL_SIZE,
    settings.DIRACX_DB_STATEMENT_TIMEOUT_MS,
  );
  const secret = stateKeyBytes(stateKeySetting);
  const [stateKey, csrfKey] = await Promise.all([importStateKey(secret), importCsrfKey(secret)]);
  const handler = createHandler({
    database: database.database,
    config,
    log,
    auth: handlerAuth(
      settings,
      issuer,
      keyRing,
      createAuthFlowServices({ settings: authFlowSettings(settings), stateKey, csrfKey, log }),
      log,
    ),
    extensions: composed,
    // No port: a worker listens on none, so `/mcp` accepts only its public host.
    mcp: handlerMcpOptions(settings, issuer, 0),
    options: handlerOptions(settings),
  });
  return { handler, database };
}

/** The Workers module serving `extensions` (the build manifest's in `src/workers-entry.ts`). */
export function createWorker(extensions: readonly Extension[], log: Logger = createJsonLogger()): WorkerModule {
  let built: Promise<WorkerHandler> | undefined;
  return {
    async fetch(request, env, ctx) {
      // Built inside a request: Workers forbid random values and I/O at the top level of a module.
      built ??= buildWorkerHandler(env, extensions, log);
      let worker: WorkerHandler;
      try {
        worker = await built;
      } catch (err) {
        // Not kept: the next request tries again (and logs again) rather than serving a stale failure.
        built = undefined;
        log.error('diracx worker cannot start', { message: describeError(err) });
        return detailResponse(500, 'The server is not configured correctly');
      }
      // Cloudflare's edge sets CF-Connecting-IP to the client's address, replacing any sent by the
      // client; a self-hosted workerd must have its proxy do the same (the login rate limits use it).
      const connection = { remoteAddress: request.headers.get('cf-connecting-ip') ?? undefined };
      return worker.database.serve(
        () => worker.handler(request, connection),
        (promise) => ctx.waitUntil(promise),
      );
    },
  };
}
