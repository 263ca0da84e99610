/**
 * @module testing/server
 * `startExtensionTestServer`: what an extension's tests start. The real handler with the given
 * extensions in force (composed as the server composes its build manifest's, but from the list
 * given here: the build manifest is never read), over a fresh migrated database with their
 * migrations applied, a test configuration with named users, and tokens for those users for REST
 * and for `/mcp`. In-process by default; `listen: true` also serves it over HTTP for MCP clients.
 */
import type { Extension } from '../extensions/contract.ts';
import type { FetchHandler } from '../handler.ts';
import { createTestApp, type TestApp } from './app.ts';
import { buildTestConfig, type TestConfigOptions } from './config.ts';
import type { TestableDatabase, TestDatabaseFactory } from './database.ts';
import { startMcpTestServer } from './listen.ts';
import type { DefaultTestUserName, TestUser } from './users.ts';

/** How to start the test server. */
export interface ExtensionTestServerOptions<U extends string = never> extends TestConfigOptions<U> {
  /** The extensions in force, in the order a build manifest would list them. */
  extensions: readonly Extension[];
  /** Also serve over HTTP on a free port of 127.0.0.1 (for MCP clients); default: in-process only. */
  listen?: boolean;
  /**
   * Where the database comes from (default: `createMigratedTestDatabase`, PostgreSQL or PGlite;
   * `createMigratedMysqlTestDatabase` for MySQL/MariaDB, where the extensions' `mysql` migrations run).
   */
  createDatabase?: TestDatabaseFactory;
  /** The clock of the job operations, REST and MCP (default: the system clock). */
  now?: () => Date;
}

/** What a token differs in from the default (a REST token with the group's properties, 20 minutes). */
export interface TestTokenOptions {
  /** A token for `/mcp`: its audience is the MCP endpoint's URL. */
  mcp?: boolean;
  /** Instead of the group's properties. */
  properties?: string[];
  lifetimeSeconds?: number;
}

/** A JSON exchange with the test server. */
export interface JsonCall {
  status: number;
  /** The parsed JSON body; null when empty. */
  body: unknown;
  headers: Headers;
}

/** A running test server; `close` it after the tests. */
export interface ExtensionTestServer<U extends string = never> {
  /** Calls the handler in-process with a path (or URL) under `http://test`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Calls `method path` as `user` (no token for `'anonymous'`) with a JSON body. */
  call(
    user: DefaultTestUserName | U | TestUser | 'anonymous',
    method: string,
    path: string,
    body?: unknown,
    token?: TestTokenOptions,
  ): Promise<JsonCall>;
  /** A bearer token for `user`, signed by the server's test keys. */
  tokenFor(user: DefaultTestUserName | U | TestUser, options?: TestTokenOptions): Promise<string>;
  /** The test users: `DEFAULT_TEST_USERS` and those of `options.users`. */
  readonly users: Readonly<Record<DefaultTestUserName | U, TestUser>>;
  readonly handler: FetchHandler;
  /** The server's database (core and extension tables), for set-up and checks. */
  readonly database: TestableDatabase;
  /** `http://127.0.0.1:<port>` with `listen`; undefined in-process. */
  readonly url: string | undefined;
  /** The MCP endpoint (the audience of `/mcp` tokens); reachable over HTTP with `listen`. */
  readonly mcpUrl: URL;
  /** Everything else the app was built with (configuration, composed extensions, logs). */
  readonly app: TestApp;
  /** Stops listening and drops the database. */
  close(): Promise<void>;
}

/**
 * Starts the handler with `options.extensions` over a fresh database. Throws, before anything is
 * served, what the server would refuse to start with (`ExtensionError`, `ConfigValidationError`).
 */
export async function startExtensionTestServer<U extends string = never>(
  options: ExtensionTestServerOptions<U>,
): Promise<ExtensionTestServer<U>> {
  const { store, config, users } = await buildTestConfig(options);
  const common = {
    extensions: options.extensions,
    config: store,
    tokenConfig: config,
    ...(options.now ? { now: options.now } : {}),
    ...(options.createDatabase ? { createDatabase: options.createDatabase } : {}),
  };
  const served = options.listen ? await startMcpTestServer(common) : undefined;
  const app = served?.app ?? (await createTestApp(common));
  const mcpUrl = new URL(served?.mcpUrl ?? `${app.tokens.auth.issuer.replace(/\/$/, '')}/mcp`);

  const tokenFor = (user: DefaultTestUserName | U | TestUser, token: TestTokenOptions = {}): Promise<string> => {
    const who = typeof user === 'string' ? users[user] : user;
    if (!who) throw new TypeError(`no test user ${String(user)}`);
    return app.tokens.tokenFor(who.vo, who.group, who.preferredUsername, {
      ...(token.mcp ? { audience: mcpUrl.href } : {}),
      ...(token.properties ? { properties: token.properties } : {}),
      ...(token.lifetimeSeconds !== undefined ? { lifetimeSeconds: token.lifetimeSeconds } : {}),
    });
  };

  return {
    fetch: (path, init) => app.fetch(path, init),
    async call(user, method, path, body, token) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (user !== 'anonymous') headers.authorization = `Bearer ${await tokenFor(user, token)}`;
      const res = await app.fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, headers: res.headers };
    },
    tokenFor,
    users,
    handler: app.handler,
    database: app.database,
    url: served?.base,
    mcpUrl,
    app,
    close: () => (served ? served.stop() : app.dispose()),
  };
}
