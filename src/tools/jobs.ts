/**
 * @module tools/jobs
 * The read-only job tools: dirac-agentic's `search_jobs`, `get_job`, `get_job_status_summary`
 * and `get_job_sandboxes` (same names, arguments and `{success: true, ...}` results), and ours:
 * `summarize_jobs`, `get_job_status_history`, `get_job_jdl`. Each checks the WMS policy as the
 * matching REST route does, then calls the logic the route calls. Tools built on the search
 * (`query`) are scoped by `jobQueryScope`, so a job outside it is "not found"; the JDL and the
 * sandboxes need `read` (owner or VO administrator), as the sandbox routes do: "forbidden".
 * No writes, no HTTP.
 */
import { z } from 'zod';
import { DiracxError, NotFoundError } from '../core/errors.ts';
import { searchUserJobs, summariseUserJobs } from '../logic/jobs/query.ts';
import { jobJdl, jobStatusHistory } from '../logic/jobs/read.ts';
import { getJobSandboxes } from '../logic/sandboxes/assign.ts';
import { sandboxContext } from '../logic/sandboxes/context.ts';
import { shortPfn } from '../logic/sandboxes/pfn.ts';
import { getSandboxDownload } from '../logic/sandboxes/upload.ts';
import { sandboxPolicy } from '../policies/sandbox.ts';
import { wmsPolicy } from '../policies/wms.ts';
import { defineTool, READ_ONLY, type ToolContext } from './define.ts';
import {
  CONDITION_FIELDS,
  MAX_ROWS,
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

const WMS = { kind: 'policy', policy: wmsPolicy } as const;
/** dirac-agentic's default columns. */
export const DEFAULT_JOB_FIELDS = [
  'JobID',
  'Status',
  'MinorStatus',
  'ApplicationStatus',
  'JobGroup',
  'Site',
  'JobName',
  'Owner',
  'LastUpdateTime',
];
/** Job ids are PostgreSQL integers. */
export const JobId = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);
const Row = z.record(z.string(), z.unknown());
const byId = (jobId: number) => [{ parameter: 'JobID', operator: 'eq' as const, value: String(jobId) }];

/** The one job `jobId` among those the caller may see, with `fields` (all when null). */
async function visibleJob(
  ctx: ToolContext,
  jobId: number,
  fields: string[] | null,
): Promise<{ [key: string]: JsonValue }> {
  const { rows } = await searchUserJobs(ctx, toSearchParams(fields, byId(jobId)), 1, 1);
  if (!rows[0]) throw new NotFoundError(`Job ${jobId} not found`);
  return toJson(rows[0]) as { [key: string]: JsonValue };
}

export const searchJobsTool = defineTool({
  name: 'search_jobs',
  title: 'Search jobs',
  description:
    'Search the grid jobs you may see with one condition (parameter, operator, value or values) and optionally more ' +
    'in extra_conditions (a JSON array string). Returns a small page (10 rows by default, at most 100) of ' +
    'result_fields, the total in pagination, and next_page_hint saying how to get the next page. Example: ' +
    'search_jobs(parameter="Status", operator="eq", value="Failed")',
  input: z.object({
    ...CONDITION_FIELDS,
    result_fields: z
      .array(z.string())
      .nullish()
      .describe(
        `Columns to return; default ${DEFAULT_JOB_FIELDS.join(', ')}. "LoggingInfo" adds each job's status history.`,
      ),
    ...PAGE_FIELDS,
    sort_by: z.string().nullish().describe('Column to sort by, e.g. "JobID" or "LastUpdateTime".'),
    sort_direction: z.enum(['asc', 'desc']).default('asc').describe('Sort direction when sort_by is given.'),
  }),
  output: z.object({ success: z.literal(true), data: z.array(Row), ...PageOutput, search_specs: z.array(Row) }),
  annotations: READ_ONLY,
  access: WMS,
  async run(ctx, args) {
    await ctx.access.check(wmsPolicy, { action: 'query' });
    const specs = toSearchSpecs(args, args.extra_conditions);
    const sort = args.sort_by ? [{ parameter: args.sort_by, direction: args.sort_direction }] : [];
    const params = toSearchParams(args.result_fields?.length ? args.result_fields : DEFAULT_JOB_FIELDS, specs, sort);
    const perPage = cappedPerPage(args.per_page);
    const { rows, total } = await searchUserJobs(ctx, params, args.page, perPage);
    const page = describePage('jobs', 'search_jobs', args.page, perPage, rows.length, total, args.per_page);
    return {
      success: true as const,
      data: rows.map((r) => toJson(r) as Record<string, JsonValue>),
      ...page,
      search_specs: specs,
    };
  },
});

export const getJobTool = defineTool({
  name: 'get_job',
  title: 'Get a job',
  description:
    'All attributes of one job you may see (status, minor ' +
    'status, site, owner, times, ...). Example: get_job(job_id=1234)',
  input: z.object({ job_id: JobId.describe('The job id.') }),
  output: z.object({ success: z.literal(true), data: Row }),
  annotations: READ_ONLY,
  access: WMS,
  async run(ctx, args) {
    await ctx.access.check(wmsPolicy, { action: 'query' });
    return { success: true as const, data: await visibleJob(ctx, args.job_id, null) };
  },
});

export const jobStatusSummaryTool = defineTool({
  name: 'get_job_status_summary',
  title: 'Job counts per status',
  description: 'How many of the jobs you may see are in each status, and the total. Example: get_job_status_summary()',
  input: z.object({}),
  output: z.object({
    success: z.literal(true),
    total_jobs: z.number().int(),
    status_summary: z.record(z.string(), z.number().int()),
  }),
  annotations: READ_ONLY,
  access: WMS,
  async run(ctx) {
    await ctx.access.check(wmsPolicy, { action: 'query' });
    const rows = await summariseUserJobs(ctx, { grouping: ['Status'], search: [] });
    const status_summary = Object.fromEntries(rows.map((r) => [String(r.Status), Number(r.count)]));
    return {
      success: true as const,
      total_jobs: Object.values(status_summary).reduce((a, b) => a + b, 0),
      status_summary,
    };
  },
});

export const summarizeJobsTool = defineTool({
  name: 'summarize_jobs',
  title: 'Count jobs by any attributes',
  description:
    'Count the jobs you may see grouped by one or more attributes (e.g. Site and Status, or Owner for how many jobs ' +
    'each user has), optionally filtered by a condition in the same style as search_jobs. Returns at most 100 ' +
    'groups, largest first. Example: summarize_jobs(grouping=["Site", "Status"], parameter="Status", ' +
    'operator="in", values=["Failed", "Stalled"])',
  input: z.object({
    grouping: z
      .array(z.string().min(1))
      .min(1)
      .default(['Status'])
      .describe('Attributes to group by, e.g. ["Site", "Status"].'),
    parameter: CONDITION_FIELDS.parameter.optional(),
    operator: CONDITION_FIELDS.operator.optional(),
    value: CONDITION_FIELDS.value,
    values: CONDITION_FIELDS.values,
    extra_conditions: CONDITION_FIELDS.extra_conditions,
  }),
  output: z.object({ success: z.literal(true), total_jobs: z.number().int(), ...SummaryOutput }),
  annotations: READ_ONLY,
  access: WMS,
  async run(ctx, args) {
    await ctx.access.check(wmsPolicy, { action: 'query' });
    const rows = await summariseUserJobs(ctx, {
      grouping: args.grouping,
      search: toSearchSpecs(args, args.extra_conditions),
    });
    const { total, ...summary } = capSummary(rows);
    return { success: true as const, total_jobs: total, grouping: args.grouping, ...summary };
  },
});

const LoggingRecord = z.object({
  Status: z.string(),
  MinorStatus: z.string(),
  ApplicationStatus: z.string(),
  StatusTime: z.string(),
  Source: z.string(),
});

export const jobStatusHistoryTool = defineTool({
  name: 'get_job_status_history',
  title: 'Job status history',
  description:
    `The status history of one job you may see, oldest first (the latest ${MAX_ROWS} records when there ` +
    `are more): each status, minor status, application status, time and source. Use it to find out why a job ` +
    `failed or stalled. Example: get_job_status_history(job_id=1234)`,
  input: z.object({ job_id: JobId.describe('The job id.') }),
  output: z.object({
    success: z.literal(true),
    job_id: z.number().int(),
    status: z.string(),
    history: z.array(LoggingRecord),
    total_records: z.number().int(),
  }),
  annotations: READ_ONLY,
  access: WMS,
  async run(ctx, args) {
    await ctx.access.check(wmsPolicy, { action: 'query' });
    const job = await visibleJob(ctx, args.job_id, ['JobID', 'Status']);
    const records = await jobStatusHistory(ctx, args.job_id);
    const history = records.slice(-MAX_ROWS).map((r) => toJson(r) as z.infer<typeof LoggingRecord>);
    return {
      success: true as const,
      job_id: args.job_id,
      status: String(job.Status),
      history,
      total_records: records.length,
    };
  },
});

export const jobJdlTool = defineTool({
  name: 'get_job_jdl',
  title: 'Job JDL',
  description:
    'The JDL of one of your jobs: as stored after preparation (jdl) and as submitted (original_jdl). Only the owner ' +
    'or a job administrator of the VO may read it. Example: get_job_jdl(job_id=1234)',
  input: z.object({ job_id: JobId.describe('The job id.') }),
  output: z.object({ success: z.literal(true), job_id: z.number().int(), jdl: z.string(), original_jdl: z.string() }),
  annotations: READ_ONLY,
  access: WMS,
  async run(ctx, args) {
    // `read`, not `query`: the JDL is not part of what REST searches show other users.
    await ctx.access.check(wmsPolicy, { action: 'read', jobIds: [args.job_id] });
    const found = await jobJdl(ctx, args.job_id);
    if (!found) throw new NotFoundError(`Job ${args.job_id} not found`);
    return { success: true as const, job_id: args.job_id, jdl: found.jdl, original_jdl: found.originalJdl };
  },
});

/** One sandbox of `get_job_sandboxes`: its PFN, and a download URL or why there is none. */
const SandboxEntry = z.object({
  pfn: z.string(),
  url: z.string().optional(),
  expires_in: z.number().int().optional(),
  error: z.string().optional(),
});
type SandboxEntry = z.infer<typeof SandboxEntry>;

/** A presigned URL for `pfn`, checked by the sandbox policy as `GET /api/jobs/sandbox` does. */
async function downloadEntry(ctx: ToolContext, pfn: string): Promise<SandboxEntry> {
  const { sandboxes } = ctx;
  if (!sandboxes) return { pfn, error: 'No download URL: the sandbox store is not available to this MCP server.' };
  const store = { bucketName: sandboxes.settings.bucketName, seName: sandboxes.settings.seName };
  try {
    await ctx.access.check(sandboxPolicy, { action: 'read', pfns: [shortPfn(pfn)], store });
    const found = await getSandboxDownload(sandboxContext(ctx), pfn);
    return { pfn, url: found.url, expires_in: found.expires_in };
  } catch (err) {
    if (!(err instanceof DiracxError)) throw err;
    return { pfn, error: err.code === 'FORBIDDEN' ? 'Forbidden' : err.message };
  }
}

export const jobSandboxesTool = defineTool({
  name: 'get_job_sandboxes',
  title: 'Job sandboxes',
  description:
    "The input and output sandboxes of one of your jobs: each sandbox's PFN and a short-lived presigned download " +
    'URL (a tar archive; fetch it without credentials). To look inside without downloading, use ' +
    'list_job_sandbox_files and read_job_sandbox_file. Example: get_job_sandboxes(job_id=1234)',
  input: z.object({ job_id: JobId.describe('The job id.') }),
  output: z.object({
    success: z.literal(true),
    job_id: z.number().int(),
    sandboxes: z.object({ input: z.array(SandboxEntry), output: z.array(SandboxEntry) }),
  }),
  annotations: READ_ONLY,
  access: WMS,
  async run(ctx, args) {
    await ctx.access.check(wmsPolicy, { action: 'read', jobIds: [args.job_id] });
    const { Input, Output } = await getJobSandboxes(ctx.database, args.job_id);
    const entries = (pfns: readonly string[]) => Promise.all(pfns.map((pfn) => downloadEntry(ctx, pfn)));
    return {
      success: true as const,
      job_id: args.job_id,
      sandboxes: { input: await entries(Input), output: await entries(Output) },
    };
  },
});
