/**
 * @module mcp/options
 * Where the MCP endpoint lives and who may reach it: its public URL (the audience its tokens
 * must carry; default `<issuer>/mcp`), the Host values and browser Origins it accepts (default:
 * those of that URL, plus this server on localhost so local clients work out of the box).
 */
export interface McpOptions {
  resourceUrl: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  confirmThreshold: number;
}

export interface McpSettings {
  issuer: string;
  port: number;
  resourceUrl?: string | undefined;
  allowedHosts?: readonly string[] | undefined;
  allowedOrigins?: readonly string[] | undefined;
  confirmThreshold: number;
}

/** The options, with defaults derived from the issuer and port. */
export function mcpOptions(settings: McpSettings): McpOptions {
  const resourceUrl = settings.resourceUrl ?? `${settings.issuer.replace(/\/$/, '')}/mcp`;
  const url = new URL(resourceUrl);
  const local = settings.port > 0 ? [`localhost:${settings.port}`, `127.0.0.1:${settings.port}`, `[::1]:${settings.port}`] : [];
  return {
    resourceUrl,
    allowedHosts: settings.allowedHosts ?? [url.host.toLowerCase(), ...local],
    allowedOrigins: settings.allowedOrigins ?? [url.origin],
    confirmThreshold: settings.confirmThreshold,
  };
}
