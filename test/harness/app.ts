/**
 * In-process application for handler tests: the real handler over a real (test) database and
 * the shipped development configuration, with log lines captured for assertions.
 */
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../src/config/file-source.ts';
import { ConfigStore } from '../../src/config/store.ts';
import type { Database } from '../../src/db/database.ts';
import { createHandler, type FetchHandler, type HandlerOptions } from '../../src/handler.ts';
import { createJsonLogger } from '../../src/core/logger.ts';
import type { SandboxDeps } from '../../src/logic/sandboxes/models.ts';
import { composeExtensions, type ComposedExtensions } from '../../src/extensions/compose.ts';
import type { Extension } from '../../src/extensions/contract.ts';
import { migrateExtensions } from '../../src/extensions/migrate.ts';
import type { ApiDeps } from '../../src/routes/deps.ts';
import type { McpOptions } from '../../src/mcp/options.ts';
import { createTestAuth, type TestAuth, type TestFlowOptions } from './auth.ts';
import { createTestDatabase } from './database.ts';

export interface TestApp {
  handler: FetchHandler;
  /** The test keystore and token minting. */
  tokens: TestAuth;
  /** The dependencies the handler's REST app was built with, to build it again in tests. */
  apiDeps: ApiDeps;
  /** What the extensions in force contribute (the core alone by default). */
  extensions: ComposedExtensions;
  database: Database;
  config: ConfigStore;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  /** Calls the handler with a path under http://test. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

export const DEFAULT_TEST_OPTIONS: HandlerOptions = {
  minClientVersion: '0.0.1a1',
  corsOrigins: ['http://localhost:8000'],
  accessLog: true,
  devCrashOnMissedPolicy: true,
};

export interface TestAppOverrides {
  database?: Database;
  config?: ConfigStore;
  options?: Partial<HandlerOptions>;
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
}

export async function createTestApp(overrides: TestAppOverrides = {}): Promise<TestApp> {
  const owned = overrides.database ? undefined : await createTestDatabase();
  const database = overrides.database ?? owned!.database;
  const defaults = await loadConfigFile(DEFAULT_CONFIG_PATH);
  const config = overrides.config ?? new ConfigStore(defaults);
  const logs: Record<string, unknown>[] = [];
  const log = createJsonLogger('debug', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const tokens = await createTestAuth(defaults.config, log, overrides.flows, overrides.issuer);
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
