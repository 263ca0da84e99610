/**
 * @module mcp/options
 * Where the MCP endpoint lives and who may reach it: its public URL (the audience its tokens
 * must carry; default `<issuer>/mcp`), the Host values and browser Origins it accepts (default:
 * those of that URL, plus this server on localhost so local clients work out of the box), and
 * how many calls one caller (token subject and OAuth client) may make per minute.
 */
export interface McpOptions {
  resourceUrl: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  confirmThreshold: number;
  /** Requests per minute per token subject and client; 0: no limit. */
  rateLimitPerMinute: number;
  /** Largest total size of the files one call takes inline (`create_sandbox`, `submit_job`). */
  inlineFilesMaxBytes?: number | undefined;
}

/** Destructive calls touching more jobs than this must be confirmed. */
export const DEFAULT_MCP_CONFIRM_THRESHOLD = 10;

/** A busy agent's pace (ten calls a second, sustained) without letting one flood the server. */
export const DEFAULT_MCP_RATE_LIMIT_PER_MINUTE = 600;

/** Files inline in one call, decoded, together: 10 MiB (base64 makes it about 13.4 MiB of request). */
export const DEFAULT_MCP_INLINE_FILES_MAX_BYTES = 10 * 1024 * 1024;

export interface McpSettings {
  issuer: string;
  port: number;
  resourceUrl?: string | undefined;
  allowedHosts?: readonly string[] | undefined;
  allowedOrigins?: readonly string[] | undefined;
  confirmThreshold: number;
  rateLimitPerMinute?: number | undefined;
  inlineFilesMaxBytes?: number | undefined;
}

/** The options, with defaults derived from the issuer and port. */
export function mcpOptions(settings: McpSettings): McpOptions {
  const resourceUrl = settings.resourceUrl ?? `${settings.issuer.replace(/\/$/, '')}/mcp`;
  const url = new URL(resourceUrl);
  const local =
    settings.port > 0 ? [`localhost:${settings.port}`, `127.0.0.1:${settings.port}`, `[::1]:${settings.port}`] : [];
  return {
    resourceUrl,
    allowedHosts: settings.allowedHosts ?? [url.host.toLowerCase(), ...local],
    allowedOrigins: settings.allowedOrigins ?? [url.origin],
    confirmThreshold: settings.confirmThreshold,
    rateLimitPerMinute: settings.rateLimitPerMinute ?? DEFAULT_MCP_RATE_LIMIT_PER_MINUTE,
    inlineFilesMaxBytes: settings.inlineFilesMaxBytes ?? DEFAULT_MCP_INLINE_FILES_MAX_BYTES,
  };
}
