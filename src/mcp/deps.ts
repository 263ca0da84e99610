/**
 * @module mcp/deps
 * What the MCP endpoint needs from the process: the same database, configuration, token
 * verifier and policies as REST, handed in by `createHandler`.
 */
import type { ConfigSource } from '../config/store.ts';
import type { Database } from '../db/database.ts';
import type { AccessTokenVerifier } from '../logic/auth/tokens/verify.ts';
import type { Logger } from '../core/logger.ts';
import type { PolicyRegistry } from '../policies/registry.ts';
import type { SandboxDeps } from '../logic/sandboxes/models.ts';
import type { SubmissionLimits } from '../logic/jobs/submission-limits.ts';
import type { SearchLimits } from '../logic/jobs/search-limits.ts';

export interface McpDeps {
  database: Database;
  config: ConfigSource;
  log: Logger;
  verifier: AccessTokenVerifier;
  policies: PolicyRegistry;
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
  /** The sandbox store (download URLs in get_job_sandboxes). */
  sandboxes?: SandboxDeps;
  /** Size limits of a job submission (submit_job, validate_jdl); the defaults when absent. */
  submissionLimits?: SubmissionLimits | undefined;
  /** Bounds on one search or summary (search_jobs, summarize_jobs, the pilot tools); the defaults when absent. */
  searchLimits?: SearchLimits | undefined;
  /** The clock of the tools (`createHandler` gives the system clock unless told otherwise). */
  now: () => Date;
  /** How far ahead of `now` a job status update may be stamped; the default when absent. */
  jobStatusMaxFutureSeconds?: number;
}
