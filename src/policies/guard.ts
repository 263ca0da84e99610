/**
 * @module policies/guard
 * The one policy guard of both faces: a REST route and an MCP tool run their access policy
 * through it, it runs the implementation in force (the core's or an extension's override), and
 * it records that a policy ran, so that the face can refuse an answer given without one.
 */
import type { AccessPolicy, PolicyContext } from './base.ts';

/** What a handler or a tool runs its policy with. */
export interface AccessGuard {
  check<Args>(policy: AccessPolicy<Args>, args: Args): Promise<void>;
  /** Whether `check` was called during this call (whatever the policy answered). */
  readonly called: boolean;
}

/** A guard for one call by `ctx.user`. */
export function createAccessGuard(ctx: PolicyContext): AccessGuard {
  let called = false;
  return {
    async check(policy, args) {
      called = true;
      await ctx.policies.resolve(policy).check(ctx, args);
    },
    get called() {
      return called;
    },
  };
}
