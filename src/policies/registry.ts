/**
 * @module policies/registry
 * Which implementation of each named policy is in force: the core one unless an extension
 * supplied an override with the same id (DiracX: same entry-point name = override).
 */
import type { AccessPolicy, PolicyResolver } from './base.ts';

export class PolicyRegistry implements PolicyResolver {
  readonly #overrides = new Map<string, AccessPolicy<never>>();

  constructor(overrides: readonly AccessPolicy<never>[] = []) {
    for (const policy of overrides) {
      if (this.#overrides.has(policy.id)) throw new Error(`policy ${policy.id} is overridden twice`);
      this.#overrides.set(policy.id, policy);
    }
  }

  /** The policy in force for `policy.id`. */
  resolve<Args>(policy: AccessPolicy<Args>): AccessPolicy<Args> {
    // An override is registered for the same id, hence for the same argument type.
    return (this.#overrides.get(policy.id) as AccessPolicy<Args> | undefined) ?? policy;
  }
}
