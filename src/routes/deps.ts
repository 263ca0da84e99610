/**
 * @module routes/deps
 * What the REST layer needs from the process: handed in by `createHandler`, never imported.
 */
import type { z } from 'zod';
import type { AuthFlowServices } from '../logic/auth/flows/flow-context.ts';
import type { KeyRing } from '../logic/auth/tokens/key-ring.ts';
import type { AccessTokenVerifier } from '../logic/auth/tokens/verify.ts';
import type { CallServices } from '../wire/call-context.ts';
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

/** The call services (`wire/call-context`), and what only REST needs. */
export interface ApiDeps extends CallServices {
  auth: AuthDeps;
  /** Answer 500 when a policy route forgets its policy (tests and development). */
  devCrashOnMissedPolicy: boolean;
  /** The public URL of the MCP endpoint, described by the protected-resource metadata. */
  mcpResourceUrl?: string;
  /** Every security property (the core's and the extensions'); the core's when absent. */
  properties?: ReadonlySet<string>;
  /**
   * The served configuration's schema with the extensions' fields (OpenAPI of `GET /api/config/`);
   * the core's when absent.
   */
  configDocumentSchema?: z.ZodType;
  /** The MCP tools, as the consent page names them to the person. */
  consentTools?: readonly ConsentTool[];
  /** Serve `PATCH /api/jobs/heartbeat` and `/api/jobs/metadata` (job parameters); true when absent. */
  serveJobParameters?: boolean;
}
