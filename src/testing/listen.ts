/**
 * @module testing/listen
 * A real HTTP server for MCP client tests: the product's handler (REST and /mcp) on Bun.serve at
 * a free port of 127.0.0.1, with the issuer set to that URL so that MCP clients discover the
 * authorization server from the 401 challenge, exactly as against a deployment.
 */
import type { Config } from '../config/schema.ts';
import { ConfigStore, createConfigSnapshot } from '../config/store.ts';
import type { Extension } from '../extensions/contract.ts';
import type { FetchHandler } from '../handler.ts';
import type { SandboxDeps } from '../logic/sandboxes/models.ts';
import { createTestApp, type TestApp } from './app.ts';
import type { TestDatabaseFactory } from './database.ts';

/** A test app served over HTTP. */
export interface McpTestServer {
  app: TestApp;
  /** `http://127.0.0.1:<port>`: the issuer of its tokens. */
  base: string;
  mcpUrl: URL;
  /** A token for `/mcp` (audience = its URL) for a user of the shipped configuration. */
  token(
    vo: string,
    group: string,
    user: string,
    options?: { lifetimeSeconds?: number; audience?: string; properties?: string[] },
  ): Promise<string>;
  stop(): Promise<void>;
}

/** How the served app differs from the default one. */
export interface McpTestServerOptions {
  rawConfig?: Record<string, unknown>;
  /** A configuration store (instead of `rawConfig`). */
  config?: ConfigStore;
  /** The configuration whose users tokens are minted for (default: the shipped development configuration). */
  tokenConfig?: Config;
  confirmThreshold?: number;
  /** `DIRACX_MCP_INLINE_FILES_MAX_BYTES` (default 10 MiB). */
  inlineFilesMaxBytes?: number;
  /** Calls per minute per caller at /mcp (default: no limit). */
  rateLimitPerMinute?: number;
  extensions?: readonly Extension[];
  /** The port to listen on (default: a free one), when something must know the URL beforehand. */
  port?: number;
  /** The clock of the job operations and tools (default: the system clock). */
  now?: () => Date;
  /** Where the database comes from (default: the kit's, migrating each time). */
  createDatabase?: TestDatabaseFactory;
  /** The sandbox store (default: none, the sandbox routes and tools answer 503). */
  sandboxes?: SandboxDeps;
}

/** Builds a test app whose issuer is its own URL and serves it; `stop` closes both. */
export async function startMcpTestServer(options: McpTestServerOptions = {}): Promise<McpTestServer> {
  // Listen first (port 0: the system picks a free one, no race), then build the app for that URL;
  // nobody knows the URL before the app is there, so no request finds it missing.
  let handler: FetchHandler | undefined;
  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    fetch: (req) => (handler ? handler(req) : new Response('starting', { status: 503 })),
    idleTimeout: 60,
  });
  const { port } = server;
  const base = `http://127.0.0.1:${port}`;
  const mcpUrl = new URL(`${base}/mcp`);
  let app: TestApp;
  try {
    const config =
      options.config ??
      (options.rawConfig
        ? new ConfigStore(await createConfigSnapshot(options.rawConfig, JSON.stringify(options.rawConfig), new Date()))
        : undefined);
    app = await createTestApp({
      issuer: base,
      ...(config ? { config } : {}),
      ...(options.tokenConfig ? { tokenConfig: options.tokenConfig } : {}),
      ...(options.extensions ? { extensions: options.extensions } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.createDatabase ? { createDatabase: options.createDatabase } : {}),
      ...(options.sandboxes ? { sandboxes: options.sandboxes } : {}),
      mcp: {
        resourceUrl: mcpUrl.href,
        allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`],
        allowedOrigins: [base],
        confirmThreshold: options.confirmThreshold ?? 10,
        rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
        ...(options.inlineFilesMaxBytes ? { inlineFilesMaxBytes: options.inlineFilesMaxBytes } : {}),
      },
    });
  } catch (err) {
    await server.stop(true);
    throw err;
  }
  handler = app.handler;
  return {
    app,
    base,
    mcpUrl,
    token: (vo, group, user, opts = {}) => app.tokens.tokenFor(vo, group, user, { audience: mcpUrl.href, ...opts }),
    async stop() {
      await server.stop(true);
      await app.dispose();
    },
  };
}
