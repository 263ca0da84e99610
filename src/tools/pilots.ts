/**
 * @module tools/pilots
 * The read-only pilot tools, `search_pilots` and `get_pilot_summary`: the same flattened
 * conditions, small pages and capped summaries as the job tools, over the pilot policy's
 * `read_pilot_metadata` (as `POST /api/pilots/search` and `/summary`) and the logic that
 * confines non-administrators to their own VO. No writes: pilots manage themselves.
 */
import { z } from 'zod';
import { searchVisiblePilots, summariseVisiblePilots } from '../logic/pilots/query.ts';
import { pilotPolicy } from '../policies/pilots.ts';
import { defineTool, READ_ONLY } from './define.ts';
import {
  CONDITION_FIELDS,
  PAGE_FIELDS,
  PageOutput,
  SummaryOutput,
  capSummary,
  cappedPerPage,
  describePage,
  toJson,
  toSearchParams,
  toSearchSpecs,
  type JsonValue,
} from './paging.ts';

const PILOTS = { kind: 'policy', policy: pilotPolicy } as const;
/** Columns `search_pilots` returns unless asked for others. */
export const DEFAULT_PILOT_FIELDS = [
  'PilotID',
  'PilotStamp',
  'Status',
  'StatusReason',
  'DestinationSite',
  'GridSite',
  'CurrentJobID',
  'LastUpdateTime',
];
const Row = z.record(z.string(), z.unknown());

/** The optional flattened condition of the pilot tools. */
const OPTIONAL_CONDITION = {
  parameter: CONDITION_FIELDS.parameter
    .optional()
    .describe(
      'Pilot attribute to filter on, e.g. Status, GridSite, DestinationSite, ' +
        'PilotStamp, or JobID (pilots that ran that job; eq or in only).',
    ),
  operator: CONDITION_FIELDS.operator.optional(),
  value: CONDITION_FIELDS.value,
  values: CONDITION_FIELDS.values,
  extra_conditions: CONDITION_FIELDS.extra_conditions,
};

export const searchPilotsTool = defineTool({
  name: 'search_pilots',
  title: 'Search pilots',
  description:
    'Search the pilot agents of your VO (the processes DIRAC sends to computing elements to fetch and run work, not ' +
    'your own submissions): optionally one condition (parameter, operator, value or values) and more in ' +
    'extra_conditions (a JSON array string). JobID finds the pilots that ran a job, useful when a job failed ' +
    'at a site. Returns a small page (10 rows by default, at most 100) and next_page_hint for the next page. ' +
    'Example: search_pilots(parameter="JobID", operator="eq", value=1234)',
  input: z.object({
    ...OPTIONAL_CONDITION,
    result_fields: z
      .array(z.string())
      .nullish()
      .describe(`Columns to return; default ${DEFAULT_PILOT_FIELDS.join(', ')}.`),
    ...PAGE_FIELDS,
  }),
  output: z.object({ success: z.literal(true), data: z.array(Row), ...PageOutput, search_specs: z.array(Row) }),
  annotations: READ_ONLY,
  access: PILOTS,
  async run(ctx, args) {
    await ctx.access.check(pilotPolicy, { action: 'read_pilot_metadata' });
    const specs = toSearchSpecs(args, args.extra_conditions);
    const params = toSearchParams(args.result_fields?.length ? args.result_fields : DEFAULT_PILOT_FIELDS, specs);
    const perPage = cappedPerPage(args.per_page);
    const { rows, total } = await searchVisiblePilots(ctx, params, args.page, perPage);
    const page = describePage('pilots', 'search_pilots', args.page, perPage, rows.length, total, args.per_page);
    return {
      success: true as const,
      data: rows.map((r) => toJson(r) as Record<string, JsonValue>),
      ...page,
      search_specs: specs,
    };
  },
});

export const pilotSummaryTool = defineTool({
  name: 'get_pilot_summary',
  title: 'Pilot counts',
  description:
    'Count the pilots of your VO grouped by one or more attributes (Status by default; e.g. GridSite and Status to ' +
    'spot a broken site), optionally filtered by a condition as in search_pilots. Returns at most 100 groups, ' +
    'largest first. Example: get_pilot_summary(grouping=["GridSite", "Status"])',
  input: z.object({
    grouping: z
      .array(z.string().min(1))
      .min(1)
      .default(['Status'])
      .describe('Attributes to group by, e.g. ["GridSite", "Status"].'),
    ...OPTIONAL_CONDITION,
  }),
  output: z.object({ success: z.literal(true), total_pilots: z.number().int(), ...SummaryOutput }),
  annotations: READ_ONLY,
  access: PILOTS,
  async run(ctx, args) {
    await ctx.access.check(pilotPolicy, { action: 'read_pilot_metadata' });
    const rows = await summariseVisiblePilots(ctx, {
      grouping: args.grouping,
      search: toSearchSpecs(args, args.extra_conditions),
    });
    const { total, ...summary } = capSummary(rows);
    return { success: true as const, total_pilots: total, grouping: args.grouping, ...summary };
  },
});
