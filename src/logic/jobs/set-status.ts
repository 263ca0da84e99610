/**
 * @module logic/jobs/set-status
 * DiracX's `set_job_statuses` (`logic/jobs/status.py`, with DIRACCommon's
 * `JobStatusUtility.getStartAndEndTime/getNewStatus`): applies timed status updates to jobs
 * through the job state machine, keeps the history in `LoggingInfo`, and on `Killed`/`Deleted`
 * takes the job out of the task queues and queues one `Kill` command for its pilot. Like DiracX
 * 0.7.0, it writes no job parameter (those live in DiracX's OpenSearch; only the heartbeat and
 * metadata routes write them), so a status change never needs that store. Every
 * write is batched (one statement per table and call, chunked past 1000 jobs) inside one
 * transaction, and the jobs' rows are locked first. It must not know about HTTP: a missing job
 * set is a `NotFoundError`, a naive timestamp an `InvalidInputError`, one too far in the future
 * an `UnprocessableInputError` (`status-times.ts`).
 */
import type { Session } from '../../db/session.ts';
import { insertLoggingRecords, latestRecordTimes, type LoggingRecord } from '../../db/job-logging.ts';
import {
  insertJobCommands,
  lockJobs,
  updateJobAttributes,
  type JobAttributeUpdate,
  type LockedJob,
} from '../../db/job-status.ts';
import { removeJobsFromTaskQueues } from '../../db/task-queue.ts';
import { InvalidInputError, NotFoundError } from '../../core/errors.ts';
import { FINAL_STATUSES, transitionRule } from './job-status.ts';
import {
  formatUtc,
  parseTimestamp,
  type JobStatusChanges,
  type SetJobStatusReturn,
  type SetJobStatusSuccess,
} from './models.ts';
import { DEFAULT_STATUS_MAX_FUTURE_SECONDS, refuseFutureStatusUpdates } from './status-times.ts';
import type { LogicContext } from '../call-context.ts';

/** What the job status operations need from a request context. */
export type JobsContext = Pick<LogicContext, 'database' | 'now' | 'statusMaxFutureSeconds'>;

/** Extra `Jobs` columns written with a job's new status (reschedule sets Site, RescheduleTime, ...). */
export type AdditionalAttributes = Readonly<Record<number, JobAttributeUpdate>>;

/** One timed update, mutable as DIRAC's status dicts are: the state machine rewrites Status and Source. */
interface TimedUpdate {
  us: number;
  status?: string;
  minorStatus?: string;
  applicationStatus?: string;
  source: string;
}

interface JobPlan {
  success: SetJobStatusSuccess;
  attributes: JobAttributeUpdate;
  newStatus: string | undefined;
  records: LoggingRecord[];
}

/** The error for ids that name no job: "Job 7 not found" or "Jobs 7, 8 not found". */
export function jobsNotFoundError(jobIds: readonly number[]): NotFoundError {
  const message = jobIds.length === 1 ? `Job ${jobIds[0]} not found` : `Jobs ${jobIds.join(', ')} not found`;
  return new NotFoundError(message);
}

const truncate = (text: string, width: number): string => (text.length > width ? text.slice(0, width) : text);

/**
 * Every job's updates in chronological order. Refuses naive timestamps before anything is read
 * or written; two keys naming the same instant are one update (the later one), as in a Python dict.
 */
function parseChanges(changes: JobStatusChanges): Map<number, TimedUpdate[]> {
  const byJob = new Map<number, TimedUpdate[]>();
  for (const [key, byTime] of Object.entries(changes)) {
    const jobId = Number(key);
    const updates = new Map<number, TimedUpdate>();
    for (const [text, u] of Object.entries(byTime)) {
      const at = parseTimestamp(text);
      if (!at) throw new InvalidInputError(`Invalid timestamp ${text} for job ${jobId}`);
      if (at.offsetMinutes === null)
        throw new InvalidInputError(`Timestamp ${at.pythonStr} is not timezone aware for job ${jobId}`);
      updates.set(at.us, {
        us: at.us,
        source: u.Source,
        ...(u.Status == null ? {} : { status: u.Status }),
        ...(u.MinorStatus == null ? {} : { minorStatus: u.MinorStatus }),
        ...(u.ApplicationStatus == null ? {} : { applicationStatus: u.ApplicationStatus }),
      });
    }
    byJob.set(
      jobId,
      [...updates.values()].sort((a, b) => a.us - b.us),
    );
  }
  return byJob;
}

/**
 * `getStartAndEndTime`: the first update asking for `Running` starts the job and the first asking
 * for a final status ends it, unless already set. It reads the statuses as requested, before the
 * state machine has had its say, and every update, older ones included (DiracX's behaviour).
 */
function startAndEndTimes(job: LockedJob, updates: readonly TimedUpdate[]): { start?: number; end?: number } {
  let status = '';
  let start: number | undefined;
  let end: number | undefined;
  for (const u of updates) {
    status = u.status ?? status;
    if (!job.startExecTime && start === undefined && status === 'Running') start = u.us;
    else if (!job.endExecTime && end === undefined && FINAL_STATUSES.includes(status)) end = u.us;
  }
  return { start, end };
}

/**
 * `getNewStatus`: walks the updates not older than the job's latest record; unless forced, a
 * status change goes through the state machine, and a refused one is logged as what the machine
 * kept with `(SM)` appended to its source. Minor and application statuses apply regardless.
 */
function resolveNewStatus(
  updates: readonly TimedUpdate[],
  lastUs: number,
  current: string,
  force: boolean,
): { status: string; minor: string; application: string } {
  let status = '';
  let minor = '';
  let application = '';
  for (const u of updates.filter((x) => x.us >= lastUs)) {
    status = u.status ?? current;
    if (!force && status !== current) {
      const allowed = transitionRule(current, status);
      if (allowed !== status) {
        status = allowed;
        u.status = allowed;
        u.source = `${u.source}(SM)`;
      }
      current = allowed;
    }
    minor = u.minorStatus ?? minor;
    application = u.applicationStatus ?? application;
  }
  return { status, minor, application };
}

function planJob(
  job: LockedJob,
  updates: TimedUpdate[],
  lastUs: number,
  force: boolean,
  nowUs: number,
  extra: JobAttributeUpdate | undefined,
): JobPlan {
  // A stalled job that reports anything is running again.
  const current = job.status === 'Stalled' ? 'Running' : job.status;
  const { start, end } = startAndEndTimes(job, updates);
  const success: SetJobStatusSuccess = {
    Status: null,
    MinorStatus: null,
    ApplicationStatus: null,
    HeartBeatTime: null,
    StartExecTime: null,
    EndExecTime: null,
    LastUpdateTime: null,
  };
  let newStatus: string | undefined;
  const latest = updates.at(-1);
  // Updates all older than the job's history are logged but not applied (DiracX issue 476).
  if (latest && latest.us >= lastUs) {
    const resolved = resolveNewStatus(updates, lastUs, current, force);
    if (resolved.status) {
      newStatus = resolved.status;
      success.Status = resolved.status;
      success.LastUpdateTime = formatUtc(nowUs);
    }
    if (resolved.minor) success.MinorStatus = truncate(resolved.minor, 128);
    if (resolved.application) success.ApplicationStatus = truncate(resolved.application, 255);
  }
  for (const u of updates)
    if (u.source.startsWith('Job') || u.source === 'Heartbeat') success.HeartBeatTime = formatUtc(u.us);
  if (start !== undefined) success.StartExecTime = formatUtc(start);
  if (end !== undefined) success.EndExecTime = formatUtc(end);
  const changed = Object.fromEntries(Object.entries(success).filter(([, v]) => v !== null)) as JobAttributeUpdate;
  const records = updates.map((u) => ({
    jobId: job.jobId,
    status: u.status ?? 'idem',
    minorStatus: truncate(u.minorStatus ?? 'idem', 128),
    applicationStatus: truncate(u.applicationStatus ?? 'idem', 255),
    timeUs: u.us,
    source: truncate(u.source, 32),
  }));
  return { success, attributes: { ...(newStatus ? extra : {}), ...changed }, newStatus, records };
}

/**
 * Takes killed or deleted jobs out of the task queues; queues they emptied are deleted.
 * HOOK(task-queue shares): DiracX then recalculates the owner group's shares for each deleted
 * queue (`recalculate_tq_shares_for_entity`); that belongs with the matcher, which we lack yet.
 */
export async function removeFromTaskQueues(tx: Session, jobIds: readonly number[]): Promise<void> {
  await removeJobsFromTaskQueues(tx, jobIds);
}

/**
 * `set_job_statuses` inside the caller's transaction (heartbeat and reschedule reuse it). Throws
 * `InvalidInputError` for a naive timestamp before any write, and `NotFoundError` with detail
 * `{success: {}, failed}` when none of the jobs exists; missing jobs are otherwise in `failed`.
 * With `vo`, a job of another VO is missing like one that does not exist.
 */
export async function applyJobStatuses(
  tx: Session,
  now: Date,
  changes: JobStatusChanges,
  force: boolean,
  additionalAttributes: AdditionalAttributes = {},
  vo?: string,
): Promise<SetJobStatusReturn> {
  const byJob = parseChanges(changes);
  const found = await lockJobs(tx, [...byJob.keys()], vo);
  const foundIds = new Set(found.map((j) => j.jobId));
  const failed: SetJobStatusReturn['failed'] = {};
  for (const id of byJob.keys()) if (!foundIds.has(id)) failed[String(id)] = { detail: 'Not found' };
  if (found.length === 0) throw new NotFoundError('None of the jobs was found', { success: {}, failed });

  const lastTimes = await latestRecordTimes(tx, [...foundIds]);
  const nowUs = now.getTime() * 1000;
  const success: SetJobStatusReturn['success'] = {};
  const attributes = new Map<number, JobAttributeUpdate>();
  const killed: number[] = [];
  const records: LoggingRecord[] = [];
  for (const job of found) {
    // A job without history (DiracX fails on it) takes every update as new.
    const plan = planJob(
      job,
      byJob.get(job.jobId) ?? [],
      lastTimes.get(job.jobId) ?? -Infinity,
      force,
      nowUs,
      additionalAttributes[job.jobId],
    );
    success[String(job.jobId)] = plan.success;
    if (Object.keys(plan.attributes).length > 0) attributes.set(job.jobId, plan.attributes);
    if (plan.newStatus === 'Killed' || plan.newStatus === 'Deleted') killed.push(job.jobId);
    records.push(...plan.records);
  }

  await updateJobAttributes(tx, attributes);
  if (killed.length > 0) {
    await removeFromTaskQueues(tx, killed);
    await insertJobCommands(
      tx,
      killed.map((jobId) => ({ jobId, command: 'Kill', arguments: '' })),
      now,
    );
  }
  await insertLoggingRecords(tx, records);
  return { success, failed };
}

/**
 * Sets job statuses from `{jobId: {isoTimestamp: update}}` (the `PATCH /api/jobs/status` body),
 * all in one transaction: an error leaves jobs and history unchanged. `force` bypasses the state
 * machine (who may ask for it is the WMS policy's `force_status`). An update stamped too far in
 * the future is an `UnprocessableInputError` before anything is read. With `vo`, only that VO's
 * jobs are looked up: another VO's job is reported as not found. Returns DiracX's
 * `SetJobStatusReturn`.
 */
export async function setJobStatuses(
  ctx: JobsContext,
  changes: JobStatusChanges,
  force = false,
  additionalAttributes: AdditionalAttributes = {},
  vo?: string,
): Promise<SetJobStatusReturn> {
  const now = ctx.now();
  refuseFutureStatusUpdates(changes, now, ctx.statusMaxFutureSeconds ?? DEFAULT_STATUS_MAX_FUTURE_SECONDS);
  return ctx.database.transaction((tx) => applyJobStatuses(tx, now, changes, force, additionalAttributes, vo));
}
