/**
 * @module logic/call-context
 * What one call of the logic layer may read, whichever face it came through (a REST request or
 * an MCP tool call): the database, the configuration as of the call's start, the verified
 * caller, the clock, the logger, the sandbox store and the request bounds. `wire/call-context`
 * builds it once per call; each logic function declares the part it reads as a `Pick` of it,
 * so that a test can hand in a frozen clock or a small configuration and nothing else.
 */
import type { Config } from '../config/schema.ts';
import type { Logger } from '../core/logger.ts';
import type { AuthedUser } from '../core/user.ts';
import type { Database } from '../db/database.ts';
import type { SearchLimits } from './jobs/search-limits.ts';
import type { SubmissionLimits } from './jobs/submission-limits.ts';
import type { SandboxDeps } from './sandboxes/models.ts';

export interface LogicContext {
  readonly database: Database;
  /** The configuration in force when the call started (one snapshot for the whole call). */
  readonly config: Config;
  readonly user: AuthedUser;
  /** The clock of every timestamp the call writes or compares. */
  readonly now: () => Date;
  readonly log: Logger;
  /** The sandbox store and its settings; absent when none is configured. */
  readonly sandboxes?: SandboxDeps | undefined;
  /** Base URL the client reached us at, for stores that hand out URLs on this server. */
  readonly origin?: string | undefined;
  /** Size limits of a job submission; the defaults when absent. */
  readonly submissionLimits?: SubmissionLimits | undefined;
  /** Bounds on one search or summary (`DIRACX_SEARCH_MAX_*`); the defaults when absent. */
  readonly searchLimits?: SearchLimits | undefined;
  /** How far ahead of `now()` a job status update may be stamped; the default when absent. */
  readonly statusMaxFutureSeconds?: number | undefined;
}
