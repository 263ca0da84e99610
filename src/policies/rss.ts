/**
 * @module policies/rss
 * The resource status policy (DiracX's `RSSAccessPolicy`, `routers/rss/access_policies.py`):
 * any authenticated caller may read the statuses of sites, compute elements, storage elements
 * and FTS servers, pilots included (they need to know where work may run). Authentication is
 * the route's or tool's own; the VO scoping (the `all` rows and the caller's VO's) is the
 * logic's. The policy exists, allowing everyone, so that an extension can override it by id
 * (`rss`), e.g. to hide storage elements from some groups.
 */
import type { RssKind } from '../logic/rss/models.ts';
import type { AccessPolicy } from './base.ts';

export interface RssAccessArgs {
  /** Which statuses are read. DiracX's policy receives no target; ours names it for overrides. */
  kind: RssKind;
}

export const rssPolicy: AccessPolicy<RssAccessArgs> = {
  id: 'rss',
  async check() {
    // Every authenticated caller may read resource statuses (DiracX: `return`).
  },
};
