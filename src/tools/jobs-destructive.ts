/**
 * @module tools/jobs-destructive
 * The tools that change jobs: dirac-agentic's `set_job_statuses` (Killed or Deleted, source
 * "MCP") and `reschedule_jobs`, and the explicit `kill_jobs` / `delete_jobs`. Each checks the
 * WMS `manage` policy on every job first, exactly as `PATCH /api/jobs/status` and
 * `POST /api/jobs/reschedule` do, then either answers a dry run (what DIRAC's state machine
 * would make of each job, nothing written) or, above `ctx.confirmThreshold` jobs, has the call
 * confirmed (`tools/confirmation`) before calling the same logic as REST: the confirmation is
 * bound to the jobs' current state (status, minor status, reschedule counter and the last
 * record of their history), so it holds only for the plan it was given for and, since every
 * change adds a history record, never runs twice. A declined confirmation writes nothing; a
 * client that cannot ask gets the plan and a confirmation token instead, and nothing is written.
 */
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import { InvalidInputError } from '../core/errors.ts';
import { transitionRule } from '../logic/jobs/job-status.ts';
import { SetJobStatusReturnSchema, type JobStatusChanges } from '../logic/jobs/models.ts';
import { prepareAgain } from '../logic/jobs/reschedule.ts';
import { jobStates, type JobState } from '../logic/jobs/read.ts';
import { rescheduleJobs } from '../logic/jobs/reschedule.ts';
import { setJobStatuses } from '../logic/jobs/set-status.ts';
import { wmsPolicy } from '../policies/wms.ts';
import {
  confirmAboveThreshold,
  ConfirmationPreviewFields,
  ConfirmationTokenArgument,
  previewNote,
} from './confirmation.ts';
import { defineTool, type ToolAnnotations, type ToolContext } from './define.ts';
import { MAX_ROWS } from './paging.ts';
import { JobId } from './jobs.ts';

const WMS = { kind: 'policy', policy: wmsPolicy } as const;
const DESTRUCTIVE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};
const JobIds = z.array(JobId).min(1).max(MAX_ROWS).describe(`The job ids, at most ${MAX_ROWS} per call.`);
const DryRun = z.boolean().default(false).describe('true: only report what would change, change nothing.');
const MinorStatus = z.string().max(128).nullish().describe('Optional reason, stored as the minor status.');

/** What a confirmation of a change to `jobs` is bound to: everything the plan was made from. */
const confirmationState = (jobs: readonly JobState[]): unknown[] =>
  jobs.map((j) => [j.jobId, j.status, j.minorStatus, j.rescheduleCounter, j.lastSeqNum]);

/**
 * The status `job` ends in when `target` is asked for at `nowUs`, as `set-status.ts` decides:
 * a Stalled job counts as Running, a refused transition keeps the state, and an update older
 * than the job's latest record is logged but not applied.
 */
function resultingStatus(job: JobState, target: string, nowUs: number): string {
  if (nowUs < job.lastUs) return job.status;
  const current = job.status === 'Stalled' ? 'Running' : job.status;
  return target === current ? current : transitionRule(current, target);
}

const StatusChange = z.object({
  job_id: z.number().int(),
  current_status: z.string(),
  resulting_status: z.string(),
  changed: z.boolean(),
});
type StatusChange = z.infer<typeof StatusChange>;
const change = (job: JobState, resulting: string): StatusChange => ({
  job_id: job.jobId,
  current_status: job.status,
  resulting_status: resulting,
  changed: resulting !== job.status,
});

/**
 * Has the call confirmed when it touches more jobs than the threshold: undefined to go on, or
 * the preview to answer instead (nothing may change); throws when the person declines.
 */
function confirmOrStop(
  ctx: ToolContext,
  jobs: readonly JobState[],
  jobIds: readonly number[],
  action: string,
  lines: readonly string[],
) {
  const message = `${action} ${jobIds.length} jobs?\n${lines.join('\n')}`;
  const declined =
    `The user declined to ${action.toLowerCase()} jobs ${jobIds.join(', ')}: ` +
    `nothing was changed. Do not retry unless the user asks again.`;
  return confirmAboveThreshold(ctx, jobIds.length, { message, state: confirmationState(jobs) }, declined);
}

const StatusOutput = z.object({
  success: z.literal(true),
  dry_run: z.boolean(),
  changes: z.array(StatusChange),
  data: SetJobStatusReturnSchema.optional(),
  note: z.string(),
  ...ConfirmationPreviewFields,
});
type StatusOutput = z.infer<typeof StatusOutput>;

/** Sets `target` on the jobs (or plans it): the shared body of the three status tools. */
async function changeStatuses(
  ctx: ToolContext,
  ids: readonly number[],
  target: 'Killed' | 'Deleted',
  minor: string | null | undefined,
  dryRun: boolean,
): Promise<StatusOutput> {
  const jobIds = [...new Set(ids)];
  await ctx.access.check(wmsPolicy, { action: 'manage', jobIds });
  const jobs = await jobStates(ctx, jobIds);
  const planned = jobs.map((job) => change(job, resultingStatus(job, target, ctx.now().getTime() * 1000)));
  if (dryRun)
    return {
      success: true,
      dry_run: true,
      changes: planned,
      note: 'Dry run: nothing was changed. Call again with dry_run=false to apply.',
    };
  const action = target === 'Killed' ? 'Kill' : 'Delete';
  const preview = await confirmOrStop(
    ctx,
    jobs,
    jobIds,
    action,
    planned.map((c) => `job ${c.job_id}: ${c.current_status} → ${c.resulting_status}`),
  );
  if (preview)
    return {
      success: true,
      dry_run: true,
      changes: planned,
      note: previewNote(jobIds.length, ctx.confirmThreshold, preview),
      ...preview,
    };
  const stamp = ctx.now().toISOString();
  const update = { Status: target, MinorStatus: minor ?? null, Source: 'MCP' };
  const body: JobStatusChanges = Object.fromEntries(jobIds.map((id) => [id, { [stamp]: update }]));
  const data = await setJobStatuses(ctx, body, false);
  const changes = jobs.map((job) => change(job, data.success[String(job.jobId)]?.Status ?? job.status));
  return {
    success: true,
    dry_run: false,
    changes,
    data,
    note: `${changes.filter((c) => c.changed).length} of ${jobIds.length} jobs changed status.`,
  };
}

export const setJobStatusesTool = defineTool({
  name: 'set_job_statuses',
  title: 'Kill or delete jobs',
  description:
    "Set jobs to Killed (stop them) or Deleted (remove them from the user's view), through DIRAC's state machine: " +
    "a job that cannot make the transition keeps its status, and changes lists each job's status before and after. " +
    "Use dry_run=true to see what would happen first. A call on many jobs needs the user's confirmation: they are " +
    'asked, or the call changes nothing and answers a confirmation_token to send in a second, identical call once ' +
    'they agree. Example: set_job_statuses(job_ids=[1234, 1235], status="Killed", minor_status="Wrong input")',
  input: z.object({
    job_ids: JobIds,
    status: z.enum(['Killed', 'Deleted']).describe('Killed or Deleted.'),
    minor_status: MinorStatus,
    dry_run: DryRun,
    confirmation_token: ConfirmationTokenArgument,
  }),
  output: StatusOutput,
  annotations: DESTRUCTIVE,
  access: WMS,
  run: (ctx, args) => changeStatuses(ctx, args.job_ids, args.status, args.minor_status, args.dry_run),
});

export const killJobsTool = defineTool({
  name: 'kill_jobs',
  title: 'Kill jobs',
  description:
    'Kill jobs (status Killed): running ones are stopped by their pilot, waiting ones never start; jobs already ' +
    'finished keep their status. Use dry_run=true to see what would happen first; a call on many jobs needs ' +
    'confirmation by the user (see confirmation_token). Example: kill_jobs(job_ids=[1234, 1235])',
  input: z.object({
    job_ids: JobIds,
    minor_status: MinorStatus,
    dry_run: DryRun,
    confirmation_token: ConfirmationTokenArgument,
  }),
  output: StatusOutput,
  annotations: DESTRUCTIVE,
  access: WMS,
  run: (ctx, args) => changeStatuses(ctx, args.job_ids, 'Killed', args.minor_status, args.dry_run),
});

export const deleteJobsTool = defineTool({
  name: 'delete_jobs',
  title: 'Delete jobs',
  description:
    'Delete jobs (status Deleted): they disappear from normal views and are cleaned up later; only jobs whose state ' +
    'allows it change. Use dry_run=true to see what would happen first; a call on many jobs needs confirmation ' +
    'by the user (see confirmation_token). Example: delete_jobs(job_ids=[1234], dry_run=true)',
  input: z.object({
    job_ids: JobIds,
    minor_status: MinorStatus,
    dry_run: DryRun,
    confirmation_token: ConfirmationTokenArgument,
  }),
  output: StatusOutput,
  annotations: DESTRUCTIVE,
  access: WMS,
  run: (ctx, args) => changeStatuses(ctx, args.job_ids, 'Deleted', args.minor_status, args.dry_run),
});

const RescheduleStep = z.object({
  job_id: z.number().int(),
  current_status: z.string(),
  resulting_status: z.string(),
  current_counter: z.number().int(),
  resulting_counter: z.number().int(),
  outcome: z.string().describe('"would reschedule" or "would fail: <reason>".'),
});
type RescheduleStep = z.infer<typeof RescheduleStep>;

/** Why `reschedule.ts` would fail the job, and whether it then sets it to Failed; undefined when it would not. */
function rescheduleFailure(
  job: JobState,
  counter: number,
  config: Config,
): { reason: string; setsFailed: boolean } | undefined {
  if (!job.verifiedFlag) return { reason: 'VerifiedFlag is False', setsFailed: false };
  const max = config.Operations[job.vo]?.Services.JobScheduling.MaxRescheduling ?? 3;
  if (counter > max)
    return { reason: `max reached (${max} reschedulings), the job would be set to Failed`, setsFailed: true };
  const prepared = prepareAgain(job, config);
  return typeof prepared === 'string' ? { reason: prepared, setsFailed: false } : undefined;
}

/** What `rescheduleJobs` would do to each job; when none can be rescheduled it writes nothing at all. */
function planReschedule(jobs: readonly JobState[], reset: boolean, config: Config, nowUs: number): RescheduleStep[] {
  const steps = jobs.map((job): RescheduleStep => {
    const counter = reset ? 0 : job.rescheduleCounter + 1;
    const failure = rescheduleFailure(job, counter, config);
    const target = !failure ? 'Received' : failure.setsFailed ? 'Failed' : undefined;
    return {
      job_id: job.jobId,
      current_status: job.status,
      resulting_status: target ? resultingStatus(job, target, nowUs) : job.status,
      current_counter: job.rescheduleCounter,
      resulting_counter: failure ? job.rescheduleCounter : counter,
      outcome: failure ? `would fail: ${failure.reason}` : 'would reschedule',
    };
  });
  if (steps.some((s) => s.outcome === 'would reschedule')) return steps;
  return steps.map((s) => ({ ...s, resulting_status: s.current_status }));
}

const failedDetail = (detail: unknown): Record<string, { detail: string }> | undefined =>
  typeof detail === 'object' && detail !== null && 'failed' in detail
    ? (detail.failed as Record<string, { detail: string }>)
    : undefined;

export const rescheduleJobsTool = defineTool({
  name: 'reschedule_jobs',
  title: 'Reschedule jobs',
  description:
    "Send jobs back to run again (status Received, through DIRAC's state machine: as in DiracX, a Done or Failed " +
    'job keeps its status but its counter still goes up), raising their reschedule counter, or resetting it ' +
    'with reset_counter=true; a job past the VO limit is set to Failed instead. Use dry_run=true to see, per ' +
    'job, the status and counter before and after; a call on many jobs needs confirmation by the user (see ' +
    'confirmation_token). Example: reschedule_jobs(job_ids=[1234], reset_counter=false)',
  input: z.object({
    job_ids: JobIds,
    reset_counter: z.boolean().default(false).describe('Reset the reschedule counter to 0.'),
    dry_run: DryRun,
    confirmation_token: ConfirmationTokenArgument,
  }),
  output: z.object({
    success: z.literal(true),
    dry_run: z.boolean(),
    plan: z.array(RescheduleStep).optional(),
    data: z
      .object({
        success: z.record(z.string(), z.record(z.string(), z.unknown())),
        failed: z.record(z.string(), z.object({ detail: z.string() })),
      })
      .optional(),
    note: z.string(),
    ...ConfirmationPreviewFields,
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  access: WMS,
  async run(ctx, args) {
    const jobIds = [...new Set(args.job_ids)];
    await ctx.access.check(wmsPolicy, { action: 'manage', jobIds });
    const jobs = await jobStates(ctx, jobIds);
    const plan = planReschedule(jobs, args.reset_counter, ctx.config, ctx.now().getTime() * 1000);
    if (args.dry_run)
      return {
        success: true as const,
        dry_run: true,
        plan,
        note: 'Dry run: nothing was changed. Call again with dry_run=false to apply.',
      };
    const preview = await confirmOrStop(
      ctx,
      jobs,
      jobIds,
      'Reschedule',
      plan.map(
        (s) =>
          `job ${s.job_id}: ${s.outcome} (${s.current_status} → ` +
          `${s.resulting_status}, counter ${s.current_counter} → ${s.resulting_counter})`,
      ),
    );
    if (preview)
      return {
        success: true as const,
        dry_run: true,
        plan,
        note: previewNote(jobIds.length, ctx.confirmThreshold, preview),
        ...preview,
      };
    try {
      const result = await rescheduleJobs(ctx, jobIds, args.reset_counter);
      // The full prepared JDL DiracX returns as `InputData` is left out to keep the result small.
      const success = Object.fromEntries(
        Object.entries(result.success).map(([id, { InputData: _jdl, ...rest }]) => [id, rest]),
      );
      return {
        success: true as const,
        dry_run: false,
        data: { success, failed: result.failed },
        note: `${Object.keys(success).length} of ${jobIds.length} jobs rescheduled.`,
      };
    } catch (err) {
      const failed = err instanceof InvalidInputError ? failedDetail(err.detail) : undefined;
      if (!failed) throw err;
      throw new InvalidInputError(
        `No job was rescheduled, nothing was changed: ${Object.entries(failed)
          .map(([id, f]) => `job ${id}: ${f.detail}`)
          .join('; ')}`,
      );
    }
  },
});
