/**
 * @module tools/define
 * What an MCP tool is here: a thin adapter with a name, a model-friendly description (with an
 * example call), zod input and output schemas, MCP annotations, an access declaration (the same
 * policies as REST, or `open` for tools that only read the caller's own identity), and `run`,
 * which checks its policy through `ctx.access` and calls the logic layer. No HTTP, no MCP types.
 */
import type { z } from 'zod';
import type { AccessPolicy } from '../policies/base.ts';
import type { CallContext } from '../wire/call-context.ts';

/** What a destructive call asks to have confirmed. */
export interface ConfirmationRequest {
  /** The question for the person: what the call would do, item by item. */
  readonly message: string;
  /**
   * The current state of what the call would change (JSON data, e.g. each job's status and the
   * position of its latest history record). The confirmation is bound to it besides the caller,
   * the tool and the arguments: one given for another state is refused, and once the call has
   * run the state differs, so the same confirmation cannot run it again.
   */
  readonly state: unknown;
}

/**
 * `confirmed`: go on. `declined`: the person said no; change nothing. `preview`: the client
 * cannot ask the person; change nothing and answer what would happen with this token, which a
 * second call with the same arguments carries as `confirmation_token` to run it.
 */
export type ConfirmationOutcome =
  | { readonly kind: 'confirmed' }
  | { readonly kind: 'declined' }
  | { readonly kind: 'preview'; readonly token: string; readonly expiresAt: string };

/**
 * Asks for a confirmation of this call (bound to the caller, the tool, its arguments without
 * `confirmation_token`, and `request.state`). Throws `InvalidInputError` when the call carries
 * a confirmation that does not hold (forged, for another call, expired or already used).
 */
export type ConfirmFn = (request: ConfirmationRequest) => Promise<ConfirmationOutcome>;

/** The argument of destructive tools that carries a two-step confirmation token. */
export const CONFIRMATION_TOKEN_ARGUMENT = 'confirmation_token';

/** One tool call's context: the call context both faces share, and the confirmation of this call. */
export interface ToolContext extends CallContext {
  readonly confirm: ConfirmFn;
  /** How many jobs a destructive call may touch before the person is asked to confirm. */
  readonly confirmThreshold: number;
  /** Largest total size of the files one call takes inline (`DIRACX_MCP_INLINE_FILES_MAX_BYTES`). */
  readonly inlineFilesMaxBytes: number;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export type ToolAccessDeclaration =
  | { readonly kind: 'open' }
  | { readonly kind: 'policy'; readonly policy: AccessPolicy<never> };

export interface ToolDef<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: I;
  readonly output: O;
  readonly annotations: ToolAnnotations;
  readonly access: ToolAccessDeclaration;
  /**
   * MCP Apps: the `ui://` resource of the view that hosts able to render it show this tool's
   * result in (the result stays the same for hosts that cannot).
   */
  readonly ui?: { readonly resourceUri: string };
  run(ctx: ToolContext, args: z.output<I>): Promise<z.output<O>>;
}

/** Declares a tool with its types tied together. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDef<I, O>): ToolDef<I, O> {
  return def;
}

/** Annotations of a tool that only reads grid data. */
export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};
