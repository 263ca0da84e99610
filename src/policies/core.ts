/**
 * @module policies/core
 * The core's access policies: the ids an extension may replace, and may not reuse for a new one.
 */
import type { AccessPolicy } from './base.ts';
import { pilotPolicy } from './pilots.ts';
import { rssPolicy } from './rss.ts';
import { sandboxPolicy } from './sandbox.ts';
import { wmsPolicy } from './wms.ts';

export const CORE_POLICIES: readonly AccessPolicy<never>[] = [wmsPolicy, sandboxPolicy, pilotPolicy, rssPolicy];
