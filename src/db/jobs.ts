/**
 * @module db/jobs
 * Atomic queries on the JobDB tables used by policies and logic. No rules live here.
 */
import { count, inArray } from 'drizzle-orm';
import type { Db, Tx } from './database.ts';
import { jobs } from './schema/jobs.ts';

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
