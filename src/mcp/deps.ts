/**
 * @module mcp/deps
 * What the MCP endpoint needs from the process: the same database, configuration, token
 * verifier and policies as REST, handed in by `createHandler`.
 */
import type { AccessTokenVerifier } from '../logic/auth/tokens/verify.ts';
import type { CallServices } from '../wire/call-context.ts';

/** The call services (`wire/call-context`), and what only the MCP endpoint needs. */
export interface McpDeps extends CallServices {
  verifier: AccessTokenVerifier;
  devCrashOnMissedPolicy: boolean;
  /** The public URL of `/mcp`: tokens must be issued for it (audience, RFC 8707). */
  resourceUrl: string;
  /** Hosts and browser origins allowed to reach `/mcp` (DNS-rebinding protection). */
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  /** Destructive calls touching more jobs than this need the person's confirmation (`mcp/confirm`). */
  confirmThreshold: number;
  /**
   * The HMAC key confirmation tokens are signed with a key derived from (the consent-form key,
   * itself derived from `DIRACX_SERVICE_AUTH_STATE_KEY`); a random key per endpoint when absent.
   */
  confirmationSecret?: CryptoKey;
  /** Requests per minute per token subject and client at `/mcp`; 0: no limit. */
  rateLimitPerMinute: number;
  /** Largest total size of the files one tool call takes inline (default 10 MiB). */
  inlineFilesMaxBytes?: number | undefined;
}
