/**
 * @module handler
 * The product's one Web-standard fetch handler: `/api/*` and `/.well-known/*` are the DiracX REST
 * API, `/mcp` the MCP server over the same logic; everything else is a JSON 404. It only routes and
 * applies cross-cutting concerns (the public URL behind a trusted reverse proxy, request id, access
 * log, CORS, client version check, error mapping). No business rules; no `node:` imports or Bun
 * APIs on anything reachable from here, so it runs under Bun.serve, in tests, and in a
 * Workers-style runtime alike.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { ConfigSource } from './config/store.ts';
import type { Database } from './db/database.ts';
import { NO_EXTENSIONS, type ComposedExtensions } from './extensions/compose.ts';
import { DEFAULT_STATUS_MAX_FUTURE_SECONDS } from './logic/jobs/status-times.ts';
import type { Logger } from './core/logger.ts';
import type { SandboxDeps } from './logic/sandboxes/models.ts';
import type { SearchLimits } from './logic/jobs/search-limits.ts';
import type { SubmissionLimits } from './logic/jobs/submission-limits.ts';
import type { DevIdentityProvider } from './logic/auth/dev-idp/provider.ts';
import { createMcpEndpoint } from './mcp/endpoint.ts';
import { DEFAULT_MCP_CONFIRM_THRESHOLD, mcpOptions, type McpOptions } from './mcp/options.ts';
import { createApiApp } from './routes/api-app.ts';
import { createDevIdpRoutes } from './routes/dev-idp.ts';
import type { AuthDeps } from './routes/deps.ts';
import type { ConnectionInfo, RequestBindings } from './routes/env.ts';
import { publicRequest } from './routes/forwarded.ts';
import { DEFAULT_MAX_BODY_BYTES, requestBodyLimit } from './routes/middleware/body-limit.ts';
import { clientVersionCheck } from './routes/middleware/client-version.ts';
import { unbufferedEventStream } from './routes/middleware/event-stream.ts';
import { requestContext, type RequestContextEnv } from './routes/middleware/request-context.ts';
import { detailResponse, toHttpResponse } from './wire/http-errors.ts';

export interface HandlerOptions {
  /** Oldest `DiracX-Client-Version` accepted (PEP 440). */
  minClientVersion: string;
  /** Browser origins allowed by CORS (DiracX allows its local web app's). */
  corsOrigins: string[];
  /** Write one JSON access-log line per request. */
  accessLog: boolean;
  /** Answer 500 when a route declared a policy and did not call it (tests, development). */
  devCrashOnMissedPolicy: boolean;
  /**
   * Peer addresses of the reverse proxies whose `X-Forwarded-Proto`/`-Host`/`-Prefix` give the
   * public URL (`DIRACX_FORWARDED_ALLOW_IPS`); by default the login flows' trusted proxies,
   * which the same setting fills.
   */
  trustedProxies?: readonly string[];
  /** Largest request body accepted (sandbox uploads to the local store: the sandbox size limit). */
  maxBodyBytes?: number;
  /** Size limits of a job submission (`DIRACX_JOB_SUBMISSION_MAX_*_BYTES`); the defaults when absent. */
  submissionLimits?: SubmissionLimits;
  /** How far ahead of `now` a job status update may be stamped (`DIRACX_JOB_STATUS_MAX_FUTURE_SECONDS`). */
  jobStatusMaxFutureSeconds?: number;
  /** Bounds on one search or summary (`DIRACX_SEARCH_MAX_*`); the defaults when absent. */
  searchLimits?: SearchLimits;
  /**
   * Serve the routes that write job parameters (`PATCH /api/jobs/heartbeat`, `/api/jobs/metadata`);
   * false beside DiracX, which keeps them in OpenSearch (`DIRACX_SERVE_JOB_PARAMETERS`). Default true.
   */
  serveJobParameters?: boolean;
}

export interface HandlerDeps {
  database: Database;
  config: ConfigSource;
  log: Logger;
  auth: AuthDeps;
  options: HandlerOptions;
  /** The extensions in force (tools, routes, policy overrides, properties); the core alone otherwise. */
  extensions?: ComposedExtensions;
  /** Request id factory, injectable for tests; a random UUID by default. */
  newRequestId?: () => string;
  /** The sandbox store (built by the process from its settings). */
  sandboxes?: SandboxDeps;
  /** Where `/mcp` lives and who may reach it; defaults derived from the issuer. */
  mcp?: McpOptions;
  /** The clock of the job operations, REST and MCP alike; the system clock by default (tests freeze it). */
  now?: () => Date;
  /** The development identity provider, served at `/dev-idp/<vo>` when given (the process decides). */
  devIdp?: DevIdentityProvider;
}

/** The handler; `connection` (the peer address) is optional: only the rate limits use it. */
export type FetchHandler = (req: Request, connection?: ConnectionInfo) => Promise<Response>;

/** Builds the fetch handler over the given dependencies. */
export function createHandler(deps: HandlerDeps): FetchHandler {
  const { log, options } = deps;
  const app = new Hono<RequestContextEnv>();
  app.use(requestContext({ log, accessLog: options.accessLog, newRequestId: deps.newRequestId }));
  app.use(
    cors({
      origin: options.corsOrigins,
      credentials: true,
      exposeHeaders: ['Content-Range', 'X-Request-Id'],
    }),
  );
  app.use(requestBodyLimit(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, deps.sandboxes?.settings.maxSizeBytes ?? 0));
  app.use(clientVersionCheck(options.minClientVersion));
  const mcp =
    deps.mcp ?? mcpOptions({ issuer: deps.auth.issuer, port: 0, confirmThreshold: DEFAULT_MCP_CONFIRM_THRESHOLD });
  const extensions = deps.extensions ?? NO_EXTENSIONS;
  const shared = {
    database: deps.database,
    config: deps.config,
    log,
    policies: extensions.policies,
    devCrashOnMissedPolicy: options.devCrashOnMissedPolicy,
    now: deps.now ?? (() => new Date()),
    jobStatusMaxFutureSeconds: options.jobStatusMaxFutureSeconds ?? DEFAULT_STATUS_MAX_FUTURE_SECONDS,
    searchLimits: options.searchLimits,
  };
  const api = createApiApp(
    {
      ...shared,
      auth: { ...deps.auth, resources: [mcp.resourceUrl] },
      sandboxes: deps.sandboxes,
      submissionLimits: options.submissionLimits,
      serveJobParameters: options.serveJobParameters ?? true,
      mcpResourceUrl: mcp.resourceUrl,
      properties: extensions.properties,
      configDocumentSchema: extensions.configObjectSchema,
      consentTools: extensions.tools.map((t) => ({
        name: t.name,
        title: t.title,
        destructive: t.annotations.destructiveHint,
        readOnly: t.annotations.readOnlyHint,
      })),
    },
    extensions.registerRoutes,
  );
  const mcpEndpoint = createMcpEndpoint(
    {
      ...shared,
      ...mcp,
      verifier: deps.auth.verifier,
      submissionLimits: options.submissionLimits,
      sandboxes: deps.sandboxes,
      confirmationSecret: deps.auth.flows.csrfKey,
    },
    extensions.tools,
  );
  app.all('/mcp', async (c) => unbufferedEventStream(await mcpEndpoint(c.req.raw)));
  if (deps.devIdp) {
    const { flows } = deps.auth;
    app.route(
      '/',
      createDevIdpRoutes({
        provider: deps.devIdp,
        config: deps.config,
        csrfKey: flows.csrfKey,
        trustedProxies: options.trustedProxies ?? flows.settings.trustedProxies,
        now: flows.now,
      }),
    );
  }
  app.route('/', api.app);
  app.notFound(() => detailResponse(404, 'Not Found'));
  app.onError((err) => toHttpResponse(err, log));
  const trustedProxies = options.trustedProxies ?? deps.auth.flows.settings.trustedProxies;
  return async (req, connection) => {
    const { request, prefix, ignored, forwarded } = publicRequest(req, connection?.remoteAddress, trustedProxies);
    if (ignored.length > 0) log.warn('ignored malformed forwarded headers from a trusted proxy', { headers: ignored });
    const bindings: RequestBindings = { ...connection, publicPrefix: prefix, forwarded };
    return app.fetch(request, bindings);
  };
}
