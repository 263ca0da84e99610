/**
 * An extension that overrides every core policy gubbins leaves alone (`sandbox`, `pilot`, `rss`) with
 * one that only delegates to the core's. It changes no decision; it makes the implementation in
 * force differ from the core object for every core policy id (gubbins already replaces `wms`),
 * so a test can tell a check that went through the policy registry from one that called the
 * core policy directly.
 */
import { EXTENSION_CONTRACT_VERSION, type Extension } from '../../src/extensions/contract.ts';
import type { AccessPolicy } from '../../src/policies/base.ts';
import { pilotPolicy } from '../../src/policies/pilots.ts';
import { rssPolicy } from '../../src/policies/rss.ts';
import { sandboxPolicy } from '../../src/policies/sandbox.ts';

const passThrough = <Args>(core: AccessPolicy<Args>): AccessPolicy<never> =>
  ({ id: core.id, check: (ctx, args) => core.check(ctx, args) }) satisfies AccessPolicy<Args> as AccessPolicy<never>;

export const PASS_THROUGH_OVERRIDES: Extension = {
  name: 'pass-through',
  description: 'Test only: pass-through overrides of the sandbox, pilot and rss policies.',
  contractVersion: EXTENSION_CONTRACT_VERSION,
  policyOverrides: [passThrough(sandboxPolicy), passThrough(pilotPolicy), passThrough(rssPolicy)],
};
