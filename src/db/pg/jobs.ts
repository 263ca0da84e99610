/**
 * @module db/pg/jobs
 * Atomic queries on the JobDB tables used by policies and logic. No rules live here.
 */
import { asc, count, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { jobJdls, jobs } from '../schema/jobs.ts';

type Handle = Db | Tx;

export interface JobOwnership {
  owner: string;
  vo: string;
  count: number;
}

/** For the given job ids, how many jobs each (owner, VO) pair holds; missing ids count nowhere. */
export async function ownersOfJobs(db: Handle, jobIds: readonly number[]): Promise<JobOwnership[]> {
  if (jobIds.length === 0) return [];
  return db
    .select({ owner: jobs.owner, vo: jobs.vo, count: count() })
    .from(jobs)
    .where(inArray(jobs.jobId, [...new Set(jobIds)]))
    .groupBy(jobs.owner, jobs.vo);
}

export interface JobForReschedule {
  jobId: number;
  status: string;
  minorStatus: string;
  verifiedFlag: boolean;
  rescheduleCounter: number;
  owner: string;
  ownerGroup: string;
  vo: string;
  originalJdl: string;
}

/** The jobs of `jobIds` that exist, with what rescheduling needs (locked until the transaction ends). */
export async function getJobsForReschedule(db: Handle, jobIds: readonly number[]): Promise<JobForReschedule[]> {
  if (jobIds.length === 0) return [];
  return db
    .select({
      jobId: jobs.jobId,
      status: jobs.status,
      minorStatus: jobs.minorStatus,
      verifiedFlag: jobs.verifiedFlag,
      rescheduleCounter: jobs.rescheduleCounter,
      owner: jobs.owner,
      ownerGroup: jobs.ownerGroup,
      vo: jobs.vo,
      originalJdl: jobJdls.originalJdl,
    })
    .from(jobs)
    .innerJoin(jobJdls, eq(jobJdls.jobId, jobs.jobId))
    .where(inArray(jobs.jobId, [...new Set(jobIds)]))
    .orderBy(asc(jobs.jobId))
    .for('update');
}

/** Replaces the stored (prepared) JDL of each job. */
export async function updateJobJdls(db: Handle, jdls: ReadonlyMap<number, string>): Promise<void> {
  for (const [jobId, jdl] of jdls) await db.update(jobJdls).set({ jdl }).where(eq(jobJdls.jobId, jobId));
}

/** The stored JDL of each job that exists. */
export async function getJobJdls(
  db: Handle,
  jobIds: readonly number[],
): Promise<Map<number, { jdl: string; originalJdl: string }>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({ jobId: jobJdls.jobId, jdl: jobJdls.jdl, originalJdl: jobJdls.originalJdl })
    .from(jobJdls)
    .where(inArray(jobJdls.jobId, [...new Set(jobIds)]));
  return new Map(rows.map((r) => [r.jobId, { jdl: r.jdl, originalJdl: r.originalJdl }]));
}
