import { historyPositions } from '../../db/job-logging.ts';
import { getJobJdls, getJobsForReschedule, type JobForReschedule } from '../../db/jobs.ts';
import { getJobLoggingRecords, type JobLoggingRecord } from '../../db/jobs-search.ts';
import type { LogicContext } from '../call-context.ts';

export type JobReadContext = Pick<LogicContext, 'database'>;

/** The status history of `jobId`, oldest first; empty for a job without records. */
export async function jobStatusHistory(ctx: JobReadContext, jobId: number): Promise<JobLoggingRecord[]> {
  return (await getJobLoggingRecords(ctx.database.session, [jobId])).get(jobId) ?? [];
}

/** The JDL of `jobId` as stored after preparation and as submitted; undefined for an unknown job. */
export async function jobJdl(
  ctx: JobReadContext,
  jobId: number,
): Promise<{ jdl: string; originalJdl: string } | undefined> {
  return (await getJobJdls(ctx.database.session, [jobId])).get(jobId);
}

/** A job as a plan needs it, with the time (µs) and sequence number of its latest status record. */
export type JobState = JobForReschedule & { lastUs: number; lastSeqNum: number };

/** The state of the existing jobs among `jobIds`, read in one transaction. */
export async function jobStates(ctx: JobReadContext, jobIds: readonly number[]): Promise<JobState[]> {
  return ctx.database.transaction(async (tx) => {
    const jobs = await getJobsForReschedule(tx, jobIds);
    const last = await historyPositions(tx, jobIds);
    return jobs.map((job) => {
      const latest = last.get(job.jobId);
      return { ...job, lastUs: latest?.lastUs ?? -Infinity, lastSeqNum: latest?.lastSeqNum ?? 0 };
    });
  });
}
