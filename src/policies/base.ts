/**
 * @module policies/base
 * The framework-free counterpart of DiracX's `BaseAccessPolicy`: a policy is an async function
 * of (context with the verified user, target data) that returns to allow and throws
 * `ForbiddenError` (or `NotFoundError` where existence itself is private) to deny. Policies are
 * named so that an extension can override one by id, and so that the route and tool wrappers
 * can check that every entry point called the policy it declared.
 */
import type { Config } from '../config/schema.ts';
import type { Database } from '../db/database.ts';
import { ForbiddenError } from '../core/errors.ts';
import type { AuthedUser } from '../core/user.ts';

/** Which implementation of a policy is in force (`PolicyRegistry`: the core's or an override). */
export interface PolicyResolver {
  resolve<Args>(policy: AccessPolicy<Args>): AccessPolicy<Args>;
}

export interface PolicyContext {
  readonly user: AuthedUser;
  readonly config: Config;
  readonly database: Database;
  /**
   * The policies in force. A policy that depends on what another one guards (the sandbox
   * policy on the jobs a sandbox belongs to) checks that one through it, never by calling
   * the core implementation, so that an extension's override of it counts there too.
   */
  readonly policies: PolicyResolver;
}

export interface AccessPolicy<Args> {
  /** Stable name (`wms`, `sandbox`, ...), the key an extension overrides. */
  readonly id: string;
  /** Returns to allow; throws `ForbiddenError`/`NotFoundError` to deny. */
  check(ctx: PolicyContext, args: Args): Promise<void>;
}

/** Throws `ForbiddenError` unless the user holds at least one of `properties`. */
export function requireAnyProperty(user: AuthedUser, properties: readonly string[], message?: string): void {
  if (!properties.some((p) => user.properties.includes(p))) {
    throw new ForbiddenError(message ?? `Requires one of the properties: ${properties.join(', ')}`);
  }
}
