/**
 * @module db/mysql/job-submission
 * A job submission's writes on DiracX's JobDB on MySQL/MariaDB, as DiracX 0.7.0 makes them
 * (`diracx/db/sql/job/db.py`, `diracx/logic/jobs/submission.py`): a job id is the
 * AUTO_INCREMENT of a `JobJDLs` row inserted alone (DiracX's `create_job`; one row per statement,
 * so ids never depend on the server's auto-increment lock mode), JDLs are stored compressed
 * (`./jdl-text.ts`) in `JDL` and `OriginalJDL`, flags as `'True'`/`'False'`. The same functions
 * as `../job-submission.ts` and `../jobs.ts` over the qualified tables; the caller owns the
 * transaction.
 */
import { asc, count, eq, inArray, sql } from 'drizzle-orm';
import { batches } from '../batches.ts';
import type { SubmittedJob } from '../job-submission.ts';
import type { JobForReschedule, JobOwnership } from '../jobs.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';
import { compressJdl, extractJdl } from './jdl-text.ts';
import { insertLoggingRecords } from './job-logging.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'jobJdls' | 'jobs' | 'inputData' | 'loggingInfo'>;

/** Reserves `n` job ids: one empty `JobJDLs` row each, filled by `insertSubmittedJobs`. */
export async function allocateJobIds(db: Handle, t: Tables, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const [header] = await db.insert(t.jobJdls).values({ jdl: '', jobRequirements: '', originalJdl: '' });
    ids.push(header.insertId);
  }
  return ids;
}

const flag = (value: boolean | undefined | null): 'True' | 'False' => (value ? 'True' : 'False');

/** Fills the reserved JDL rows and inserts the jobs, their input data and first logging record. */
export async function insertSubmittedJobs(db: Handle, t: Tables, submitted: readonly SubmittedJob[]): Promise<void> {
  for (const part of batches(submitted)) {
    const jdls = await Promise.all(
      part.map(async (s) => ({
        jobId: s.jdl.jobId,
        jdl: await compressJdl(s.jdl.jdl),
        jobRequirements: s.jdl.jobRequirements,
        originalJdl: await compressJdl(s.jdl.originalJdl),
      })),
    );
    await db
      .insert(t.jobJdls)
      .values(jdls)
      .onDuplicateKeyUpdate({
        set: {
          jdl: sql`VALUES(${t.jobJdls.jdl})`,
          jobRequirements: sql`VALUES(${t.jobJdls.jobRequirements})`,
          originalJdl: sql`VALUES(${t.jobJdls.originalJdl})`,
        },
      });
    await db.insert(t.jobs).values(
      part.map(({ job }) => ({
        ...job,
        jobId: job.jobId,
        vo: job.vo,
        verifiedFlag: flag(job.verifiedFlag),
        accountedFlag: job.accountedFlag === 'Failed' ? ('Failed' as const) : flag(job.accountedFlag === 'True'),
      })),
    );
    const lfns = part.flatMap((s) => s.inputData.map((lfn) => ({ jobId: s.jdl.jobId, lfn })));
    for (const lfnPart of batches(lfns)) await db.insert(t.inputData).ignore().values(lfnPart);
  }
  await insertLoggingRecords(
    db,
    t,
    submitted.map((s) => s.logging),
  );
}

/** Replaces the stored (prepared) JDL of each job, compressed as DiracX stores it. */
export async function updateJobJdls(db: Handle, t: Tables, jdls: ReadonlyMap<number, string>): Promise<void> {
  for (const [jobId, jdl] of jdls) {
    await db
      .update(t.jobJdls)
      .set({ jdl: await compressJdl(jdl) })
      .where(inArray(t.jobJdls.jobId, [jobId]));
  }
}

/** The stored JDLs of each job that exists, as text. */
export async function getJobJdls(
  db: Handle,
  t: Tables,
  jobIds: readonly number[],
): Promise<Map<number, { jdl: string; originalJdl: string }>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({ jobId: t.jobJdls.jobId, jdl: t.jobJdls.jdl, originalJdl: t.jobJdls.originalJdl })
    .from(t.jobJdls)
    .where(inArray(t.jobJdls.jobId, [...new Set(jobIds)]));
  const read = await Promise.all(
    rows.map(
      async (r) => [r.jobId, { jdl: await extractJdl(r.jdl), originalJdl: await extractJdl(r.originalJdl) }] as const,
    ),
  );
  return new Map(read);
}

/** How many of the jobs each owner (and VO) has. */
export async function ownersOfJobs(db: Handle, t: Tables, jobIds: readonly number[]): Promise<JobOwnership[]> {
  if (jobIds.length === 0) return [];
  const rows = await db
    .select({ owner: t.jobs.owner, vo: t.jobs.vo, count: count() })
    .from(t.jobs)
    .where(inArray(t.jobs.jobId, [...new Set(jobIds)]))
    .groupBy(t.jobs.owner, t.jobs.vo);
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** Locks the jobs and returns what rescheduling reads, the original JDL as text. */
export async function getJobsForReschedule(
  db: Handle,
  t: Tables,
  jobIds: readonly number[],
): Promise<JobForReschedule[]> {
  if (jobIds.length === 0) return [];
  const rows = await db
    .select({
      jobId: t.jobs.jobId,
      status: t.jobs.status,
      minorStatus: t.jobs.minorStatus,
      verifiedFlag: t.jobs.verifiedFlag,
      rescheduleCounter: t.jobs.rescheduleCounter,
      owner: t.jobs.owner,
      ownerGroup: t.jobs.ownerGroup,
      vo: t.jobs.vo,
      originalJdl: t.jobJdls.originalJdl,
    })
    .from(t.jobs)
    .innerJoin(t.jobJdls, eq(t.jobJdls.jobId, t.jobs.jobId))
    .where(inArray(t.jobs.jobId, [...new Set(jobIds)]))
    .orderBy(asc(t.jobs.jobId))
    .for('update');
  return Promise.all(
    rows.map(async (r) => ({
      ...r,
      verifiedFlag: r.verifiedFlag === 'True',
      originalJdl: await extractJdl(r.originalJdl),
    })),
  );
}
