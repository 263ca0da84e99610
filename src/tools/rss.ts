/**
 * @module tools/rss
 * The read-only resource status tools, `get_site_status` and `get_resource_status`: what
 * `GET /api/rss/site` and `/compute`, `/storage`, `/fts` return to the same person (the `all`
 * statuses overlaid with the caller's VO's, through the same `rss` policy and logic), flattened
 * into a list a model reads easily (allowed, reason, warnings per element), optionally one
 * element or the banned ones only, at most 100 entries. They answer "why do my jobs wait at
 * this site?" with "the site is banned: <reason>". No writes: administrators set statuses with
 * `bun run rss`.
 */
import { z } from 'zod';
import { STORAGE_ACCESSES, type ResourceStatus, type RssEntryOf, type RssKind } from '../logic/rss/models.ts';
import { readRssView } from '../logic/rss/query.ts';
import { rssPolicy } from '../policies/rss.ts';
import { defineTool, READ_ONLY, type ToolContext } from './define.ts';

const RSS = { kind: 'policy', policy: rssPolicy } as const;
/** Entries returned at most; `total` and `banned` count them all. */
export const MAX_STATUS_ENTRIES = 100;

const FlatStatus = z.object({
  allowed: z.boolean(),
  reason: z.string().nullable().describe('Why it is not allowed (banned, probing, in error, ...).'),
  warnings: z.string().nullable().describe('Why an allowed element is degraded.'),
});
type FlatStatus = z.infer<typeof FlatStatus>;

const Entry = FlatStatus.extend({
  name: z.string(),
  accesses: z
    .record(z.string(), FlatStatus)
    .optional()
    .describe('Storage elements only: the status of each access (read, write, check, remove).'),
});
type Entry = z.infer<typeof Entry>;

const FILTERS = {
  banned_only: z.boolean().default(false).describe('Return only the elements that are not allowed.'),
};
const COUNTS = {
  success: z.literal(true),
  vo: z.string(),
  total: z.number().int().describe('Elements with a status (after the name filter, before banned_only).'),
  banned: z.number().int().describe('How many of them are not allowed.'),
  truncated: z.boolean(),
  note: z.string().optional(),
};

const flatten = (status: ResourceStatus): FlatStatus =>
  status.allowed
    ? { allowed: true, reason: null, warnings: status.warnings }
    : { allowed: false, reason: status.reason, warnings: null };

/** One element as a list entry; a storage element is allowed when every access is. */
function toEntry(name: string, entry: RssEntryOf[RssKind]): Entry {
  if ('all' in entry) return { name, ...flatten(entry.all) };
  const accesses = Object.fromEntries(
    (Object.keys(STORAGE_ACCESSES) as (keyof typeof STORAGE_ACCESSES)[]).map((a) => [a, flatten(entry[a])]),
  );
  const joined = (field: 'reason' | 'warnings') =>
    Object.entries(accesses)
      .flatMap(([a, s]) => (s[field] === null ? [] : [`${a}: ${s[field]}`]))
      .join('; ') || null;
  return {
    name,
    allowed: Object.values(accesses).every((s) => s.allowed),
    reason: joined('reason'),
    warnings: joined('warnings'),
    accesses,
  };
}

/** Reads one kind through the policy and lists it, filtered and capped. */
async function listStatuses(ctx: ToolContext, kind: RssKind, name: string | undefined, bannedOnly: boolean) {
  await ctx.access.check(rssPolicy, { kind });
  const view = await readRssView(ctx, kind);
  const all = Object.entries(view.statuses)
    .filter(([n]) => name === undefined || n === name)
    .map(([n, e]) => toEntry(n, e));
  const shown = bannedOnly ? all.filter((e) => !e.allowed) : all;
  return {
    vo: ctx.user.vo,
    total: all.length,
    banned: all.filter((e) => !e.allowed).length,
    truncated: shown.length > MAX_STATUS_ENTRIES,
    entries: shown.slice(0, MAX_STATUS_ENTRIES),
    ...(name !== undefined && all.length === 0 ? { note: `No status is recorded for ${name}.` } : {}),
  };
}

export const siteStatusTool = defineTool({
  name: 'get_site_status',
  title: 'Site status',
  description:
    'Whether grid sites may run jobs, as the Resource Status System says for your VO: each site is allowed (Active, ' +
    'or Degraded with warnings) or not (Banned, Probing, Error, Unknown, with the reason). Use it when jobs ' +
    'wait or fail at a site. Optionally one site by its DIRAC name, or only the banned ones; at most 100 ' +
    'entries. Example: get_site_status(site="LCG.CERN.cern")',
  input: z.object({
    site: z.string().min(1).optional().describe('A DIRAC site name, e.g. LCG.CERN.cern; all sites when absent.'),
    ...FILTERS,
  }),
  output: z.object({ ...COUNTS, sites: z.array(Entry) }),
  annotations: READ_ONLY,
  access: RSS,
  async run(ctx, args) {
    const { entries, ...rest } = await listStatuses(ctx, 'site', args.site, args.banned_only);
    return { success: true as const, ...rest, sites: entries };
  },
});

export const resourceStatusTool = defineTool({
  name: 'get_resource_status',
  title: 'Resource status',
  description:
    'Whether computing elements (kind "compute"), storage elements ("storage": read, write, check and remove access ' +
    'each) or FTS transfer servers ("fts") may be used, as the Resource Status System says for your VO, with ' +
    'the reason when not. Use it when jobs cannot reach a queue or cannot read or write data. Optionally one ' +
    'element by name, or only the banned ones; at most 100 entries. Example: ' +
    'get_resource_status(kind="storage", banned_only=true)',
  input: z.object({
    kind: z.enum(['compute', 'storage', 'fts']).describe('Which resources: compute, storage or fts.'),
    name: z.string().min(1).optional().describe('One element, e.g. ce1.cern.ch or CERN-DST-EOS; all when absent.'),
    ...FILTERS,
  }),
  output: z.object({ ...COUNTS, kind: z.enum(['compute', 'storage', 'fts']), resources: z.array(Entry) }),
  annotations: READ_ONLY,
  access: RSS,
  async run(ctx, args) {
    const { entries, ...rest } = await listStatuses(ctx, args.kind, args.name, args.banned_only);
    return { success: true as const, kind: args.kind, ...rest, resources: entries };
  },
});
