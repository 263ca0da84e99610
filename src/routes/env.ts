/**
 * @module routes/env
 * Variables the REST middleware puts on a request's context.
 */
import type { AuthedUser } from '../core/user.ts';
import type { AccessGuard } from '../policies/guard.ts';
import type { CallContext } from '../wire/call-context.ts';

/** What the server knows about the connection, handed to `createHandler`'s fetch (optional). */
export interface ConnectionInfo {
  /** The peer's IP address (a reverse proxy's, when there is one). */
  remoteAddress?: string | undefined;
}

/** What the handler hands its routes beside the request: the connection, and where clients reach us. */
export interface RequestBindings extends ConnectionInfo {
  /**
   * The public path prefix (`/diracx`; `''` or unset when none), from a trusted proxy's
   * `X-Forwarded-Prefix` (see routes/forwarded.ts). Read it through `publicBaseUrl`.
   */
  publicPrefix?: string | undefined;
  /** Whether a trusted proxy gave the public URL (valid `X-Forwarded-*`); see routes/forwarded.ts. */
  forwarded?: boolean | undefined;
}

export type ApiEnv = {
  /** May be missing at runtime when an app is fetched directly (tests): read with `?.`. */
  Bindings: RequestBindings;
  Variables: {
    requestId: string;
    /**
     * The call's context (`wire/call-context`): what logic reads, and the policy guard. Set on
     * every route that is not public.
     */
    ctx: CallContext;
    /** The verified caller (`ctx.user`); set on every route that is not public. */
    user: AuthedUser;
    /** Runs the route's access policy (`ctx.access`); set on every route that is not public. */
    access: AccessGuard;
  };
};
