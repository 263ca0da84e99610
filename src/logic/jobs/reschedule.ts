/**
 * @module logic/jobs/reschedule
 * `POST /api/jobs/reschedule` (DiracX's `reschedule_jobs`): each job is prepared again from its
 * original JDL (as DiracX does: read as DIRAC's ClassAd, no manifest defaults) and sent back to
 * `Received` / "Job Rescheduled" through the state machine, its reschedule counter raised (or
 * reset). A job past the VO's `MaxRescheduling` is failed instead
 * ("Maximum of reschedulings reached"). Answers `{success, failed}`; when nothing succeeds the
 * call is refused and nothing at all is written (DiracX's 400 rolls its transaction back).
 */
import type { Config } from '../../config/schema.ts';
import { getJobsForReschedule, updateJobJdls, type JobForReschedule } from '../../db/jobs.ts';
import { DiracxError, InvalidInputError } from '../../core/errors.ts';
import { formatUtc, type JobStatusChanges } from './models.ts';
import { prepareRescheduledJob, type RescheduledJob } from './prepare.ts';
import { applyJobStatuses, type AdditionalAttributes } from './set-status.ts';
import type { LogicContext } from '../call-context.ts';

export type RescheduleContext = Pick<LogicContext, 'database' | 'config' | 'now'>;

export interface RescheduleResult {
  success: Record<string, Record<string, unknown>>;
  failed: Record<string, { detail: string }>;
}

/** The job's prepared JDL, site and priority, or the reason it cannot be prepared again. */
export function prepareAgain(job: JobForReschedule, config: Config): RescheduledJob | string {
  try {
    return prepareRescheduledJob(
      job.originalJdl,
      job.jobId,
      { owner: job.owner, ownerGroup: job.ownerGroup, vo: job.vo },
      config,
    );
  } catch (err) {
    if (err instanceof DiracxError) return err.message;
    throw err;
  }
}

export async function rescheduleJobs(
  ctx: RescheduleContext,
  jobIds: readonly number[],
  resetJobs: boolean,
): Promise<RescheduleResult> {
  const now = ctx.now();
  const stamp = formatUtc(now.getTime() * 1000);
  return ctx.database.transaction(async (tx) => {
    const found = await getJobsForReschedule(tx, jobIds);
    const result: RescheduleResult = { success: {}, failed: {} };
    if (found.length === 0) for (const id of jobIds) result.failed[String(id)] = { detail: 'Not found' };

    const changes: JobStatusChanges = {};
    const attributes: Record<number, NonNullable<AdditionalAttributes[number]>> = {};
    const jdls = new Map<number, string>();
    for (const job of found) {
      if (!job.verifiedFlag) {
        result.failed[job.jobId] = {
          detail: `VerifiedFlag is False: Status ${job.status}, Minor Status: ${job.minorStatus}`,
        };
        continue;
      }
      const counter = resetJobs ? 0 : job.rescheduleCounter + 1;
      const max = ctx.config.Operations[job.vo]?.Services.JobScheduling.MaxRescheduling ?? 3;
      if (counter > max) {
        changes[job.jobId] = {
          [stamp]: {
            Status: 'Failed',
            MinorStatus: 'Maximum of reschedulings reached',
            ApplicationStatus: 'Unknown',
            Source: 'Unknown',
          },
        };
        result.failed[job.jobId] = { detail: `Maximum number of reschedules exceeded (${max})` };
        continue;
      }
      const prepared = prepareAgain(job, ctx.config);
      if (typeof prepared === 'string') {
        result.failed[job.jobId] = { detail: prepared };
        continue;
      }
      jdls.set(job.jobId, prepared.jdl);
      attributes[job.jobId] = {
        Site: prepared.site,
        UserPriority: prepared.userPriority,
        RescheduleTime: now,
        RescheduleCounter: counter,
      };
      changes[job.jobId] = {
        [stamp]: {
          Status: 'Received',
          MinorStatus: 'Job Rescheduled',
          ApplicationStatus: 'Unknown',
          Source: 'Unknown',
        },
      };
    }
    if (jdls.size === 0) throw new InvalidInputError('No job was rescheduled', { failed: result.failed, success: {} });

    const applied = await applyJobStatuses(tx, now, changes, false, attributes);
    await updateJobJdls(tx, jdls);
    for (const [id, entry] of Object.entries(applied.success)) {
      const jobId = Number(id);
      const extra = attributes[jobId];
      if (!jdls.has(jobId) || !extra) continue; // every rescheduled job has its attributes
      result.success[id] = {
        InputData: jdls.get(jobId),
        Site: extra.Site,
        UserPriority: extra.UserPriority,
        RescheduleTime: stamp,
        RescheduleCounter: extra.RescheduleCounter,
        ...entry,
      };
    }
    return result;
  });
}
