/**
 * @module db/pg/job-parameters
 * Atomic queries on the job parameters documents (our PostgreSQL stand-in for DiracX's
 * OpenSearch `JobParametersDB`): a bulk partial upsert that merges new keys into each job's
 * JSONB document, and a read. The merge is shallow (top-level keys replace older values),
 * which is all the writers (heartbeat, metadata) need. No rules live here.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { jobParameters } from '../schema/job-parameters.ts';
import { batches } from '../batches.ts';

type Handle = Db | Tx;

export interface JobParametersUpdate {
  jobId: number;
  /** The job's VO (DiracX picks the index by VO). */
  vo: string;
  parameters: Record<string, unknown>;
}

/**
 * Merges each update into its job's document, creating the document when missing, one
 * statement per chunk. Updates for the same job are merged first (later keys win), since one
 * `INSERT ... ON CONFLICT` may not touch a row twice.
 */
export async function upsertJobParameters(
  db: Handle,
  updates: readonly JobParametersUpdate[],
  now: Date,
): Promise<void> {
  const merged = new Map<number, JobParametersUpdate>();
  for (const u of updates) {
    if (Object.keys(u.parameters).length === 0) continue;
    const previous = merged.get(u.jobId);
    merged.set(u.jobId, { jobId: u.jobId, vo: u.vo, parameters: { ...previous?.parameters, ...u.parameters } });
  }
  const rows = [...merged.values()];
  for (const batch of batches(rows)) {
    await db
      .insert(jobParameters)
      .values(batch.map((r) => ({ jobId: r.jobId, vo: r.vo, parameters: r.parameters, updatedAt: now })))
      .onConflictDoUpdate({
        target: jobParameters.jobId,
        set: {
          parameters: sql`"JobParametersDocs"."Parameters" || excluded."Parameters"`,
          vo: sql`excluded."VO"`,
          updatedAt: sql`excluded."UpdatedAt"`,
        },
      });
  }
}

/** The parameters documents of the jobs that have one. */
export async function getJobParameters(
  db: Handle,
  jobIds: readonly number[],
): Promise<Map<number, Record<string, unknown>>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({ jobId: jobParameters.jobId, parameters: jobParameters.parameters })
    .from(jobParameters)
    .where(inArray(jobParameters.jobId, [...new Set(jobIds)]));
  return new Map(rows.map((r) => [r.jobId, r.parameters]));
}
