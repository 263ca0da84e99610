/**
 * A real HTTP server for MCP client tests: the product's handler (REST and /mcp) on Bun.serve at
 * a free port, with the issuer set to that URL so that MCP clients discover the authorization
 * server from the 401 challenge, exactly as against a deployment.
 */
import { ConfigStore, createConfigSnapshot } from '../../src/config/store.ts';
import type { Extension } from '../../src/extensions/contract.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { findFreePort } from '../harness/server-process.ts';

export interface McpTestServer {
  app: TestApp;
  base: string;
  mcpUrl: URL;
  /** A token for `/mcp` (audience = its URL) for a user of the shipped configuration. */
  token(
    vo: string,
    group: string,
    user: string,
    options?: { lifetimeSeconds?: number; audience?: string },
  ): Promise<string>;
  stop(): Promise<void>;
}

export interface McpTestServerOptions {
  rawConfig?: Record<string, unknown>;
  /** A configuration store (instead of `rawConfig`). */
  config?: ConfigStore;
  confirmThreshold?: number;
  /** Calls per minute per caller at /mcp (default: no limit). */
  rateLimitPerMinute?: number;
  extensions?: readonly Extension[];
  /** The port to listen on (default: a free one), when something must know the URL beforehand. */
  port?: number;
  /** The clock of the job operations and tools (default: the system clock). */
  now?: () => Date;
}

export async function startMcpTestServer(options: McpTestServerOptions = {}): Promise<McpTestServer> {
  const port = options.port ?? findFreePort();
  const base = `http://127.0.0.1:${port}`;
  const mcpUrl = new URL(`${base}/mcp`);
  const config =
    options.config ??
    (options.rawConfig
      ? new ConfigStore(await createConfigSnapshot(options.rawConfig, JSON.stringify(options.rawConfig), new Date()))
      : undefined);
  const app = await createTestApp({
    issuer: base,
    ...(config ? { config } : {}),
    ...(options.extensions ? { extensions: options.extensions } : {}),
    ...(options.now ? { now: options.now } : {}),
    mcp: {
      resourceUrl: mcpUrl.href,
      allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`],
      allowedOrigins: [base],
      confirmThreshold: options.confirmThreshold ?? 10,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    },
  });
  const server = Bun.serve({ port, hostname: '127.0.0.1', fetch: (req) => app.handler(req), idleTimeout: 60 });
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
