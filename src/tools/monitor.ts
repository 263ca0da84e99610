/**
 * @module tools/monitor
 * `show_job_monitor`: the caller's own jobs (or all they may see) as one page of a table (filtered by status and name,
 * sorted, paged) with the counts per status of all the jobs they may see. Hosts that render MCP
 * Apps show it as the interactive job monitor (`ui` names the view, `mcp/monitor/`), which calls
 * this tool again to filter, sort and page; other hosts read the same result as text and
 * structured content. Same policy and logic as `search_jobs` and `get_job_status_summary`.
 */
import { z } from 'zod';
import { searchUserJobs, summariseUserJobs } from '../logic/jobs/query.ts';
import type { SearchSpec } from '../logic/jobs/search-params.ts';
import { wmsPolicy } from '../policies/wms.ts';
import { defineTool, READ_ONLY } from './define.ts';
import { cappedPerPage, describePage, MAX_ROWS, PageOutput, toJson, toSearchParams, type JsonValue } from './paging.ts';

/** The `ui://` resource of the job monitor view. */
export const JOB_MONITOR_URI = 'ui://diracx/job-monitor.html';

/** The table's columns (also the ones it may sort by). */
export const MONITOR_COLUMNS = ['JobID', 'JobName', 'Status', 'MinorStatus', 'Site', 'LastUpdateTime'] as const;
const DEFAULT_PER_PAGE = 20;

const Row = z.record(z.string(), z.unknown());

export const jobMonitorTool = defineTool({
  name: 'show_job_monitor',
  title: 'Job monitor',
  description:
    "Open the interactive monitor in the user's MCP host, when they ask to see or watch their work visually: a " +
    'dashboard with a table, chart, history, StdErr and buttons that ask them first. Hosts without MCP Apps get ' +
    'the first page as data. To answer a question, use search_jobs or get_job_status_summary instead. ' +
    'Example: show_job_monitor()',
  input: z.object({
    mine: z.boolean().default(true).describe('false: everything the user may see, not only their own.'),
    status: z.string().min(1).max(64).nullish().describe('Initial filter of the table.'),
    name_contains: z.string().min(1).max(128).nullish().describe('Initial text filter of the table.'),
    sort_by: z.enum(MONITOR_COLUMNS).default('JobID').describe('Initial column order of the table.'),
    sort_direction: z.enum(['asc', 'desc']).default('desc').describe('asc or desc.'),
    page: z.number().int().min(1).default(1).describe('From 1.'),
    per_page: z
      .number()
      .int()
      .min(1)
      .default(DEFAULT_PER_PAGE)
      .describe(`Default ${DEFAULT_PER_PAGE}, at most ${MAX_ROWS}.`),
  }),
  output: z.object({
    success: z.literal(true),
    jobs: z.array(Row),
    columns: z.array(z.string()),
    filter: z.object({ mine: z.boolean(), status: z.string().nullable(), name_contains: z.string().nullable() }),
    sort: z.object({ by: z.enum(MONITOR_COLUMNS), direction: z.enum(['asc', 'desc']) }),
    page: z.number().int(),
    per_page: z.number().int(),
    ...PageOutput,
    total_jobs: z.number().int().describe('All the jobs shown (yours, or all you may see), whatever the filter.'),
    status_summary: z
      .record(z.string(), z.number().int())
      .describe('Jobs per status (yours, or all you may see), whatever the filter.'),
  }),
  annotations: READ_ONLY,
  access: { kind: 'policy', policy: wmsPolicy },
  ui: { resourceUri: JOB_MONITOR_URI },
  async run(ctx, args) {
    await ctx.access.check(wmsPolicy, { action: 'query' });
    const scope: SearchSpec[] = args.mine
      ? [{ parameter: 'Owner', operator: 'eq', value: ctx.user.preferredUsername }]
      : [];
    const specs: SearchSpec[] = [...scope];
    if (args.status) specs.push({ parameter: 'Status', operator: 'eq', value: args.status });
    if (args.name_contains) {
      const escaped = args.name_contains.replace(/[\\%_]/g, (c) => `\\${c}`);
      specs.push({ parameter: 'JobName', operator: 'like', value: `%${escaped}%` });
    }
    const sort = [{ parameter: args.sort_by, direction: args.sort_direction }];
    const perPage = cappedPerPage(args.per_page);
    const params = toSearchParams([...MONITOR_COLUMNS], specs, sort);
    const { rows, total } = await searchUserJobs(ctx, params, args.page, perPage);
    const page = describePage('jobs', 'show_job_monitor', args.page, perPage, rows.length, total, args.per_page);
    const counts = await summariseUserJobs(ctx, { grouping: ['Status'], search: scope });
    const status_summary = Object.fromEntries(counts.map((r) => [String(r.Status), Number(r.count)]));
    return {
      success: true as const,
      jobs: rows.map((r) => toJson(r) as Record<string, JsonValue>),
      columns: [...MONITOR_COLUMNS],
      filter: { mine: args.mine, status: args.status ?? null, name_contains: args.name_contains ?? null },
      sort: { by: args.sort_by, direction: args.sort_direction },
      page: args.page,
      per_page: perPage,
      ...page,
      total_jobs: Object.values(status_summary).reduce((a, b) => a + b, 0),
      status_summary,
    };
  },
});
