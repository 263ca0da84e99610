/**
 * @module logic/auth/grants/define
 * The shape of one grant of the token endpoint (`POST /api/auth/token`): its `grant_type`, the
 * form fields it reads (a zod shape: documented in OpenAPI by the route, validated before the
 * grant runs, so a missing field is a FastAPI-style 422), and the function that issues the
 * tokens. A grant is one module under `grants/`, listed once in `grants/registry.ts`.
 */
import { z } from 'zod';
import type { AuthFlowContext } from '../flows/flow-context.ts';
import type { TokenResponse } from '../tokens/token-issue.ts';

/**
 * What a grant may need to know about the HTTP request it serves. Never the URL the request
 * came to: what a client addressed (assertion audiences) is checked against our configured
 * issuer, not against a Host header the caller chose.
 */
export interface TokenRequestInfo {
  /** The raw `Authorization` header, if any (HTTP Basic client authentication). */
  authorization: string | undefined;
  /** The resource the access token is for (RFC 8707), already checked to be one we serve. */
  resource?: string | undefined;
}

/** A validated request, ready to issue tokens; or the validation issues of the form. */
export type PreparedGrant =
  | { ok: true; issue(ctx: AuthFlowContext, request: TokenRequestInfo): Promise<TokenResponse> }
  | { ok: false; issues: readonly z.core.$ZodIssue[] };

export interface TokenGrant {
  readonly grantType: string;
  /** The form fields this grant reads, besides `grant_type`. */
  readonly fields: z.ZodRawShape;
  /** Validates the form fields. */
  prepare(form: Record<string, unknown>): PreparedGrant;
}

export interface GrantSpec<S extends z.ZodRawShape> {
  grantType: string;
  fields: S;
  issue(ctx: AuthFlowContext, params: z.output<z.ZodObject<S>>, request: TokenRequestInfo): Promise<TokenResponse>;
}

/** Builds a grant whose `issue` receives its form fields typed and validated. */
export function defineGrant<S extends z.ZodRawShape>(spec: GrantSpec<S>): TokenGrant {
  const schema = z.object(spec.fields);
  return {
    grantType: spec.grantType,
    fields: spec.fields,
    prepare(form) {
      const parsed = schema.safeParse(form);
      if (!parsed.success) return { ok: false, issues: parsed.error.issues };
      return { ok: true, issue: (ctx, request) => spec.issue(ctx, parsed.data, request) };
    },
  };
}
