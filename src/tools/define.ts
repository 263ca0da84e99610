/**
 * @module tools/define
 * What an MCP tool is here: a thin adapter with a name, a model-friendly description (with an
 * example call), zod input and output schemas, MCP annotations, an access declaration (the same
 * policies as REST, or `open` for tools that only read the caller's own identity), and `run`,
 * which checks its policy through `ctx.access` and calls the logic layer. No HTTP, no MCP types.
 */
import type { z } from 'zod';
import type { Config } from '../config/schema.ts';
import type { Database } from '../db/database.ts';
import type { AuthedUser } from '../logic/auth/user.ts';
import type { SandboxDeps } from '../logic/sandboxes/models.ts';
import type { SubmissionLimits } from '../logic/jobs/submission-limits.ts';
import type { SearchLimits } from '../logic/jobs/search-limits.ts';
import type { Logger } from '../logic/logger.ts';
import type { AccessPolicy } from '../policies/base.ts';

/** Runs a policy on behalf of the tool and records that it did (as routes do). */
export interface ToolAccess {
  check<Args>(policy: AccessPolicy<Args>, args: Args): Promise<void>;
}

/** Asks the person behind the client to confirm an action; false when declined or impossible. */
export type ConfirmFn = (message: string) => Promise<'accepted' | 'declined' | 'unsupported'>;

export interface ToolContext {
  readonly user: AuthedUser;
  readonly config: Config;
  readonly database: Database;
  readonly log: Logger;
  readonly now: () => Date;
  /** How far ahead of `now` a job status update may be stamped; the default when absent. */
  readonly statusMaxFutureSeconds?: number;
  readonly access: ToolAccess;
  readonly confirm: ConfirmFn;
  /** How many jobs a destructive call may touch before the person is asked to confirm. */
  readonly confirmThreshold: number;
  /** The sandbox store, for tools that hand out download URLs. */
  readonly sandboxes?: SandboxDeps;
  /** Size limits of a job submission; the defaults when absent. */
  readonly submissionLimits?: SubmissionLimits | undefined;
  /** Bounds on one search or summary; the defaults when absent. */
  readonly searchLimits?: SearchLimits | undefined;
  /** The public origin of this server (stores that sign URLs on it). */
  readonly origin?: string;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export type ToolAccessDeclaration = { readonly kind: 'open' } | { readonly kind: 'policy'; readonly policy: AccessPolicy<never> };

export interface ToolDef<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly annotations: ToolAnnotations;
  readonly access: ToolAccessDeclaration;
  run(ctx: ToolContext, args: z.output<I>): Promise<z.output<O>>;
}

/** Declares a tool with its types tied together. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDef<I, O>): ToolDef<I, O> {
  return def;
}

/** Annotations of a tool that only reads grid data. */
export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
