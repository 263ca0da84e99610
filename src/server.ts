/**
 * @module server
 * The process entry (`bun run server`): reads and validates settings, checks the extensions of
 * the build manifest, loads the DiracX configuration, opens and migrates the database (the core's
 * migrations, then the extensions'), loads the token keys, serves `createHandler(...)` with Bun.serve,
 * reloads the configuration on change or SIGHUP, cleans expired login flows and refresh tokens
 * out of the database every few minutes, and on SIGTERM/SIGINT (optionally after a lame-duck
 * period that makes proxies stop reusing its connections) drains in-flight requests before
 * closing the database. All process concerns live here.
 */
import { EXTENSIONS } from '../extensions/manifest.gen.ts';
import { ConfigStore } from './config/store.ts';
import { IN_MEMORY } from './db/open.ts';
import { composeExtensions, type ComposedExtensions } from './extensions/compose.ts';
import type { Extension } from './extensions/contract.ts';
import { migrateExtensions } from './extensions/migrate.ts';
import { createHandler, type FetchHandler } from './handler.ts';
import { handlerMcpOptions, handlerOptions } from './handler-settings.ts';
import { cleanupExpiredAuthData } from './logic/auth/cleanup.ts';
import { createJsonLogger, describeError, errorFields } from './core/logger.ts';
import { issuerOf, setUpAuth } from './process/auth-setup.ts';
import { openConfigurationSource } from './process/config-source.ts';
import { openMigratedConfiguredDatabase } from './process/open-database.ts';
import { decideDevIdp, devIdpFetch, startDevIdp } from './process/dev-idp-setup.ts';
import { parseSettings, type Settings } from './settings.ts';
import { createSandboxDeps } from './storage/from-settings.ts';

/** How often expired flows and refresh tokens are deleted. */
const AUTH_CLEANUP_INTERVAL_MS = 5 * 60 * 1000;

/**
 * `res` with `Connection: close`, so that the client (a proxy's keep-alive pool) does not send
 * another request on this connection. A copy when its headers are immutable.
 */
function closingConnection(res: Response): Response {
  try {
    res.headers.set('connection', 'close');
    return res;
  } catch {
    const headers = new Headers(res.headers);
    headers.set('connection', 'close');
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
}

/** Prints one line saying why the server cannot start, and exits non-zero. */
function fail(message: string): never {
  console.error(`diracx: cannot start: ${message.split('\n').join('; ')}`);
  process.exit(1);
}

function readSettings(): Settings {
  try {
    return parseSettings(Bun.env);
  } catch (err) {
    fail(describeError(err));
  }
}

/** The extensions, checked and combined; a conflict stops the server with one line. */
function composeServedExtensions(list: readonly Extension[]): ComposedExtensions {
  try {
    return composeExtensions(list);
  } catch (err) {
    fail(describeError(err));
  }
}

function buildHandler(build: () => FetchHandler): FetchHandler {
  try {
    return build();
  } catch (err) {
    fail(describeError(err));
  }
}

/** Runs the server with `extensions` (the build manifest's when started as `bun run server`). */
export async function serve(extensions: readonly Extension[]): Promise<void> {
  const settings = readSettings();
  const log = createJsonLogger();
  const composed = composeServedExtensions(extensions);
  const configSource = await openConfigurationSource(settings, composed.configSchema).catch((err: unknown) =>
    fail(describeError(err)),
  );
  const config = new ConfigStore(configSource.initial);
  // The development identity provider comes with the shipped file only, never with a repository
  // (whose description is no path of a file).
  const devIdpDecision = decideDevIdp(
    settings.DIRACX_DEV_IDP,
    settings.DIRACX_CONFIG_BACKEND_URL ? configSource.description : settings.DIRACX_CONFIG,
    issuerOf(settings),
  );
  if ('refused' in devIdpDecision) fail(devIdpDecision.refused);

  // Migrations run free of the statement timeout; the served requests run under it.
  const database = await openMigratedConfiguredDatabase(
    settings,
    { poolSize: settings.DIRACX_DB_POOL_SIZE, statementTimeoutMs: settings.DIRACX_DB_STATEMENT_TIMEOUT_MS },
    async (migrating) => {
      const applied = await migrateExtensions(migrating, composed.migrations).catch((err: unknown) =>
        fail(`extension migrations: ${describeError(err)}`),
      );
      if (applied.length > 0) log.info('extension migrations applied', { migrations: applied });
    },
  ).catch((err: unknown) => fail(`database: ${describeError(err)}`));

  const devIdp = devIdpDecision.on
    ? await startDevIdp(devIdpDecision, issuerOf(settings), configSource.initial.config, log)
    : undefined;
  // The login flows reach the development identity provider through this process's own handler.
  let served: FetchHandler | undefined;
  const idpFetch = devIdp
    ? devIdpFetch(
        () => (req) => {
          if (!served) throw new Error('the handler is not ready');
          return served(req);
        },
        (input, init) => fetch(input, init),
      )
    : undefined;
  const authSetup = await setUpAuth(settings, settings.DIRACX_DATA_DIR === IN_MEMORY, log, idpFetch).catch(
    (err: unknown) => fail(`token keys: ${describeError(err)}`),
  );
  const sandboxes = await createSandboxDeps(settings, log).catch((err: unknown) =>
    fail(`sandbox store: ${describeError(err)}`),
  );
  // Building the handler registers the extensions' routes: a conflict there stops the start too.
  const handler = buildHandler(() =>
    createHandler({
      database,
      config,
      log,
      auth: authSetup.auth,
      sandboxes,
      extensions: composed,
      mcp: handlerMcpOptions(settings, authSetup.auth.issuer, settings.PORT),
      options: handlerOptions(settings),
      devIdp,
    }),
  );
  served = handler;
  // Set on SIGTERM/SIGINT for DIRACX_SHUTDOWN_LAME_DUCK_SECONDS: every response closes its
  // connection, so a proxy's keep-alive pool holds none to this process when it stops listening.
  let lameDuck = false;
  const server = Bun.serve({
    port: settings.PORT,
    hostname: settings.HOST,
    // The peer address feeds the login rate limits and decides whether forwarded headers are
    // honoured (see DIRACX_FORWARDED_ALLOW_IPS).
    fetch: (req, srv) => {
      const res = handler(req, { remoteAddress: srv.requestIP(req)?.address });
      return lameDuck ? res.then(closingConnection) : res;
    },
    // Bun's default of 10 s would cut long responses and event streams.
    idleTimeout: 120,
    // Uploads to the local sandbox store: the largest sandbox plus its multipart form.
    maxRequestBodySize: Math.max(128 * 1024 * 1024, sandboxes.store.transfers?.maxUploadBodyBytes ?? 0),
  });
  const watcher = configSource.watch(config, log);
  const { flows } = authSetup.auth;
  const cleanUp = (): void =>
    void cleanupExpiredAuthData({ database, settings: flows.settings, now: flows.now, log }).catch((err: unknown) =>
      log.error('auth database clean-up failed', errorFields(err)),
    );
  const cleanupTimer = setInterval(cleanUp, AUTH_CLEANUP_INTERVAL_MS);
  cleanupTimer.unref();
  cleanUp();
  log.info('listening', {
    url: server.url.toString(),
    database: database.driver,
    config: configSource.description,
    extensions: composed.names,
  });

  process.on('SIGHUP', () => void Promise.all([watcher.reload(), authSetup.reload()]));
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    if (settings.DIRACX_SHUTDOWN_LAME_DUCK_SECONDS > 0) {
      // Still serving, but each connection closes after its response: a proxy sends the next
      // requests on new connections, which are refused once we stop listening, and it passes
      // them to another instance. Closing idle kept-alive connections instead would race with a
      // request the proxy is sending on one (a POST it cannot resend elsewhere).
      lameDuck = true;
      log.info('closing each connection after its response before draining', {
        seconds: settings.DIRACX_SHUTDOWN_LAME_DUCK_SECONDS,
      });
      await Bun.sleep(settings.DIRACX_SHUTDOWN_LAME_DUCK_SECONDS * 1000);
    }
    watcher.stop();
    await configSource.close();
    authSetup.stop();
    clearInterval(cleanupTimer);
    const grace = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), settings.DIRACX_SHUTDOWN_GRACE_SECONDS * 1000).unref(),
    );
    // Stop accepting connections and wait for in-flight requests, up to the grace period.
    if ((await Promise.race([server.stop(false).then(() => 'drained' as const), grace])) === 'timeout') {
      log.warn('grace period over; closing remaining connections');
      await server.stop(true);
    }
    await database.close().catch((err: unknown) => log.error('closing the database failed', errorFields(err)));
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (import.meta.main) await serve(EXTENSIONS);
