/**
 * @module handler-settings
 * What the handler takes from the settings: its options and where `/mcp` lives and who may reach
 * it. One mapping for every entry point (the server process and the Workers entry), free of I/O
 * so both can bundle it; the login flows' part is `auth-flow-settings.ts`.
 */
import type { Logger } from './core/logger.ts';
import type { HandlerOptions } from './handler.ts';
import type { AuthFlowServices } from './logic/auth/flows/flow-context.ts';
import { createRemoteKeyRing, type KeyRing } from './logic/auth/tokens/key-ring.ts';
import { createAccessTokenVerifier } from './logic/auth/tokens/verify.ts';
import { mcpOptions, type McpOptions } from './mcp/options.ts';
import type { AuthDeps } from './routes/deps.ts';
import { type Settings, servesJobParameters } from './settings.ts';

/** The handler's options from the settings; `Required` makes a new option need a line here. */
export function handlerOptions(settings: Settings): Required<HandlerOptions> {
  return {
    minClientVersion: settings.DIRACX_MIN_CLIENT_VERSION,
    corsOrigins: settings.DIRACX_CORS_ORIGINS,
    accessLog: settings.DIRACX_ACCESS_LOG,
    devCrashOnMissedPolicy: settings.DIRACX_DEV_CRASH_ON_MISSED_ACCESS_POLICY,
    trustedProxies: settings.DIRACX_FORWARDED_ALLOW_IPS,
    maxBodyBytes: settings.DIRACX_MAX_REQUEST_BODY_BYTES,
    submissionLimits: {
      maxJobBytes: settings.DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES,
      maxTotalBytes: settings.DIRACX_JOB_SUBMISSION_MAX_TOTAL_BYTES,
    },
    jobStatusMaxFutureSeconds: settings.DIRACX_JOB_STATUS_MAX_FUTURE_SECONDS,
    searchLimits: {
      maxConditions: settings.DIRACX_SEARCH_MAX_CONDITIONS,
      maxPatternLength: settings.DIRACX_SEARCH_MAX_PATTERN_LENGTH,
      maxValues: settings.DIRACX_SEARCH_MAX_VALUES,
    },
    serveJobParameters: servesJobParameters(settings),
  };
}

/**
 * The MCP endpoint's options from the settings, its defaults derived from `issuer` and `port`
 * (the port this process listens on, which local clients use; 0 when there is none, as in Workers).
 */
export function handlerMcpOptions(settings: Settings, issuer: string, port: number): McpOptions {
  return mcpOptions({
    issuer,
    port,
    resourceUrl: settings.DIRACX_MCP_RESOURCE_URL,
    allowedHosts: settings.DIRACX_MCP_ALLOWED_HOSTS,
    allowedOrigins: settings.DIRACX_MCP_ALLOWED_ORIGINS,
    confirmThreshold: settings.DIRACX_MCP_CONFIRM_THRESHOLD,
    rateLimitPerMinute: settings.DIRACX_MCP_RATE_LIMIT_PER_MINUTE,
    inlineFilesMaxBytes: settings.DIRACX_MCP_INLINE_FILES_MAX_BYTES,
  });
}

/** The key ring of a server that verifies tokens signed elsewhere (`DIRACX_SERVICE_AUTH_JWKS_URL`), if set. */
export function remoteKeyRingFromSettings(settings: Settings): KeyRing | undefined {
  const url = settings.DIRACX_SERVICE_AUTH_JWKS_URL;
  if (!url) return undefined;
  return createRemoteKeyRing(new URL(url), {
    cacheMaxAgeMs: settings.DIRACX_SERVICE_AUTH_JWKS_CACHE_SECONDS * 1000,
    cooldownMs: settings.DIRACX_SERVICE_AUTH_JWKS_COOLDOWN_SECONDS * 1000,
  });
}

/** What the handler needs to issue and verify tokens, from the settings and what the entry point built. */
export function handlerAuth(
  settings: Settings,
  issuer: string,
  keyRing: KeyRing,
  flows: AuthFlowServices,
  log: Logger,
): AuthDeps {
  const algorithms = settings.DIRACX_SERVICE_AUTH_TOKEN_ALLOWED_ALGORITHMS;
  const verifier = createAccessTokenVerifier({
    issuer,
    algorithms,
    keys: keyRing.getKey,
    clockToleranceSeconds: settings.DIRACX_SERVICE_AUTH_CLOCK_TOLERANCE_SECONDS,
    log,
  });
  return { issuer, verifier, keyRing, algorithms, flows };
}
