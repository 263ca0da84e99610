/**
 * @module testing/app
 * The testing kit's in-process application: the real handler over a fresh database (the
 * extensions' migrations applied) and the shipped development configuration, with test keys and
 * log lines captured for assertions. No port: `fetch` calls the handler directly. Test-side
 * only: nothing the server runs imports it.
 */
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/file-source.ts';
import { ConfigStore } from '../config/store.ts';
import type { Config } from '../config/schema.ts';
import { createHandler, type FetchHandler, type HandlerOptions } from '../handler.ts';
import type { DevIdentityProvider } from '../logic/auth/dev-idp/provider.ts';
import { createJsonLogger } from '../core/logger.ts';
import type { SandboxDeps } from '../logic/sandboxes/models.ts';
import { composeExtensions, type ComposedExtensions } from '../extensions/compose.ts';
import type { Extension } from '../extensions/contract.ts';
import { migrateExtensions } from '../extensions/migrate.ts';
import type { ApiDeps } from '../routes/deps.ts';
import type { McpOptions } from '../mcp/options.ts';
import { createTestAuth, type TestAuth, type TestFlowOptions } from './auth.ts';
import {
  createMigratedTestDatabase,
  type TestableDatabase,
  type TestDatabase,
  type TestDatabaseFactory,
} from './database.ts';

/** A handler built for tests, with what it was built from. */
export interface TestApp {
  handler: FetchHandler;
  /** The test keystore and token minting. */
  tokens: TestAuth;
  /** The dependencies the handler's REST app was built with, to build it again in tests. */
  apiDeps: ApiDeps;
  /** What the extensions in force contribute (the core alone by default). */
  extensions: ComposedExtensions;
  database: TestableDatabase;
  config: ConfigStore;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  /** Calls the handler with a path under http://test. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/** The handler options of a test app (client version check loose, access log on, missed policies fatal). */
export const DEFAULT_TEST_OPTIONS: HandlerOptions = {
  minClientVersion: '0.0.1a1',
  corsOrigins: ['http://localhost:8000'],
  accessLog: true,
  devCrashOnMissedPolicy: true,
};

/** How a test app differs from the default one; everything is optional. */
export interface TestAppOverrides {
  /** The database to serve (not disposed by the app); default: a new one from `createDatabase`. */
  database?: TestableDatabase;
  /** Where a new database comes from (default: `createMigratedTestDatabase`, migrating each time). */
  createDatabase?: TestDatabaseFactory;
  /** The configuration served (default: the shipped development configuration). */
  config?: ConfigStore;
  options?: Partial<HandlerOptions>;
  /** The configuration whose users tokens are minted for (default: the shipped development configuration). */
  tokenConfig?: Config;
  /** Login-flow settings, clock and IdP fetch. */
  flows?: TestFlowOptions;
  /** The sandbox store; without one the sandbox routes answer 503. */
  sandboxes?: SandboxDeps;
  /** The token issuer (default: a fixed test URL); MCP clients discover it over HTTP. */
  issuer?: string;
  /** Where /mcp lives and who may reach it (default: derived from the issuer). */
  mcp?: McpOptions;
  /** Extensions in force (their migrations are applied to the database); none by default. */
  extensions?: readonly Extension[];
  /** The clock of the job operations, REST and MCP (default: the system clock). */
  now?: () => Date;
  /** The development identity provider, served at `/dev-idp/<vo>` (none by default). */
  devIdp?: DevIdentityProvider;
}

/**
 * Builds the handler over a fresh (or the given) database, with a new test keystore; applies the
 * migrations of `overrides.extensions`. `dispose` drops the database it created.
 */
export async function createTestApp(overrides: TestAppOverrides = {}): Promise<TestApp> {
  let owned: TestDatabase | undefined;
  let database: TestableDatabase;
  if (overrides.database) database = overrides.database;
  else {
    owned = await (overrides.createDatabase ?? createMigratedTestDatabase)();
    database = owned.database;
  }
  const defaults = await loadConfigFile(DEFAULT_CONFIG_PATH);
  const config = overrides.config ?? new ConfigStore(defaults);
  const logs: Record<string, unknown>[] = [];
  const log = createJsonLogger('debug', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const tokens = await createTestAuth(overrides.tokenConfig ?? defaults.config, log, overrides.flows, overrides.issuer);
  const options = { ...DEFAULT_TEST_OPTIONS, ...overrides.options };
  let extensions: ComposedExtensions;
  let handler: FetchHandler;
  try {
    extensions = composeExtensions(overrides.extensions ?? []);
    await migrateExtensions(database, extensions.migrations);
    handler = createHandler({
      database,
      config,
      log,
      auth: tokens.auth,
      options,
      sandboxes: overrides.sandboxes,
      mcp: overrides.mcp,
      extensions,
      now: overrides.now,
      devIdp: overrides.devIdp,
    });
  } catch (err) {
    await owned?.dispose();
    throw err;
  }
  const apiDeps: ApiDeps = {
    database,
    config,
    log,
    auth: tokens.auth,
    policies: extensions.policies,
    properties: extensions.properties,
    devCrashOnMissedPolicy: options.devCrashOnMissedPolicy,
    sandboxes: overrides.sandboxes,
    now: overrides.now ?? (() => new Date()),
    jobStatusMaxFutureSeconds: options.jobStatusMaxFutureSeconds,
  };
  return {
    handler,
    tokens,
    apiDeps,
    extensions,
    database,
    config,
    logs,
    fetch: (path, init) => handler(new Request(new URL(path, 'http://test'), init)),
    dispose: async () => {
      await owned?.dispose();
    },
  };
}
