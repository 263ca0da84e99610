/**
 * @module wire/call-context
 * The one factory of a call's context, used by REST (`routes/access`) and by MCP
 * (`mcp/register-tools`) alike: the logic context (`LogicContext`) and the policy guard of one
 * call, from the services the process hands both faces (`CallServices`, which `ApiDeps` and
 * `McpDeps` extend).
 */
import type { ConfigSource } from '../config/store.ts';
import type { Logger } from '../core/logger.ts';
import type { AuthedUser } from '../core/user.ts';
import type { Database } from '../db/database.ts';
import type { LogicContext } from '../logic/call-context.ts';
import type { SearchLimits } from '../logic/jobs/search-limits.ts';
import type { SubmissionLimits } from '../logic/jobs/submission-limits.ts';
import type { SandboxDeps } from '../logic/sandboxes/models.ts';
import { type AccessGuard, createAccessGuard } from '../policies/guard.ts';
import type { PolicyRegistry } from '../policies/registry.ts';

/** What every call's context is built from: the same for both faces. */
export interface CallServices {
  database: Database;
  config: ConfigSource;
  log: Logger;
  policies: PolicyRegistry;
  /** The clock of every operation (`createHandler` gives the system clock unless told otherwise). */
  now: () => Date;
  /** The sandbox store and its settings; without it sandbox operations answer 503. */
  sandboxes?: SandboxDeps;
  /** Size limits of a job submission; the defaults when absent. */
  submissionLimits?: SubmissionLimits | undefined;
  /** Bounds on one search or summary; the defaults when absent. */
  searchLimits?: SearchLimits | undefined;
  /** How far ahead of `now` a job status update may be stamped; the default when absent. */
  jobStatusMaxFutureSeconds?: number;
}

/** One call's context: what logic reads, and the guard its policy runs through. */
export interface CallContext extends LogicContext {
  readonly access: AccessGuard;
}

/** The context of one call by `user`; `origin` is where the caller reached us (sandbox URLs). */
export function createCallContext(services: CallServices, user: AuthedUser, origin?: string): CallContext {
  const config = services.config.current().config;
  const access = createAccessGuard({ user, config, database: services.database, policies: services.policies });
  return {
    database: services.database,
    config,
    user,
    now: services.now,
    log: services.log,
    sandboxes: services.sandboxes,
    origin,
    submissionLimits: services.submissionLimits,
    searchLimits: services.searchLimits,
    statusMaxFutureSeconds: services.jobStatusMaxFutureSeconds,
    access,
  };
}
