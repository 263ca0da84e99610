/**
 * @module handler-settings
 * What the handler takes from the settings: its options and where `/mcp` lives and who may reach
 * it. One mapping for every entry point (the server process and the Workers entry), free of I/O
 * so both can bundle it; the login flows' part is `auth-flow-settings.ts`.
 */
import type { HandlerOptions } from './handler.ts';
import { mcpOptions, type McpOptions } from './mcp/options.ts';
import type { Settings } from './settings.ts';

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
  });
}
