/**
 * @module routes/deps
 * What the REST layer needs from the process: handed in by `createHandler`, never imported.
 */
import type { z } from 'zod';
import type { ConfigSource } from '../config/store.ts';
import type { Database } from '../db/database.ts';
import type { AuthFlowServices } from '../logic/auth/flows/flow-context.ts';
import type { KeyRing } from '../logic/auth/tokens/key-ring.ts';
import type { AccessTokenVerifier } from '../logic/auth/tokens/verify.ts';
import type { Logger } from '../core/logger.ts';
import type { SandboxDeps } from '../logic/sandboxes/models.ts';
import type { SubmissionLimits } from '../logic/jobs/submission-limits.ts';
import type { SearchLimits } from '../logic/jobs/search-limits.ts';
import type { PolicyRegistry } from '../policies/registry.ts';
import type { ConsentTool } from './auth/pages/consent.ts';

export interface AuthDeps {
  /** Our issuer identifier (`iss` of the tokens we sign and accept). */
  issuer: string;
  verifier: AccessTokenVerifier;
  keyRing: KeyRing;
  /** Algorithms accepted on tokens, advertised in discovery. */
  algorithms: readonly string[];
  /** Login flows and token endpoint: settings, state key, IdP client, limiters, clock. */
  flows: AuthFlowServices;
  /** Resource servers tokens may be requested for (RFC 8707 `resource`): the MCP endpoint. */
  resources?: readonly string[];
}

export interface ApiDeps {
  database: Database;
  config: ConfigSource;
  log: Logger;
  auth: AuthDeps;
  policies: PolicyRegistry;
  /** Answer 500 when a policy route forgets its policy (tests and development). */
  devCrashOnMissedPolicy: boolean;
  /** The public URL of the MCP endpoint, described by the protected-resource metadata. */
  mcpResourceUrl?: string;
  /** The sandbox store and its settings; without it the sandbox routes answer 503. */
  sandboxes?: SandboxDeps;
  /** Size limits of a job submission; the defaults when absent. */
  submissionLimits?: SubmissionLimits | undefined;
  /** Every security property (the core's and the extensions'); the core's when absent. */
  properties?: ReadonlySet<string>;
  /** The served configuration's schema with the extensions' fields (OpenAPI of `GET /api/config/`); the core's when absent. */
  configDocumentSchema?: z.ZodType;
  /** The MCP tools, as the consent page names them to the person. */
  consentTools?: readonly ConsentTool[];
  /** The clock of every operation (`createHandler` gives the system clock unless told otherwise). */
  now: () => Date;
  /** How far ahead of `now` a job status update may be stamped; the default when absent. */
  jobStatusMaxFutureSeconds?: number;
  /** Bounds on one search or summary; the defaults when absent. */
  searchLimits?: SearchLimits | undefined;
}
