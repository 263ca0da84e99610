/**
 * @module db/mysql/job-parameters
 * Job parameter documents of a standalone MySQL installation, in our own database
 * (`JobParametersDocs`; beside DiracX they live in its OpenSearch, docs/co-deployment.md). The
 * same functions as `../job-parameters.ts` over the qualified tables: a write merges the new
 * parameters into the stored document key by key (PostgreSQL's `jsonb ||`; MySQL's
 * `JSON_MERGE_PATCH` would merge nested objects too), read and written back under a row lock.
 */
import { inArray, sql } from 'drizzle-orm';
import { batches } from '../batches.ts';
import type { JobParametersUpdate } from '../job-parameters.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'jobParameterDocs'>;

const parsed = (value: unknown): Record<string, unknown> =>
  (typeof value === 'string' ? JSON.parse(value) : (value ?? {})) as Record<string, unknown>;

async function storedDocuments(
  db: Handle,
  t: Tables,
  jobIds: readonly number[],
  lock: boolean,
): Promise<Map<number, Record<string, unknown>>> {
  if (jobIds.length === 0) return new Map();
  const query = db
    .select({ jobId: t.jobParameterDocs.jobId, parameters: t.jobParameterDocs.parameters })
    .from(t.jobParameterDocs)
    .where(inArray(t.jobParameterDocs.jobId, [...new Set(jobIds)]));
  const rows = await (lock ? query.for('update') : query);
  return new Map(rows.map((r) => [r.jobId, parsed(r.parameters)]));
}

/** Merges each job's new parameters into its document (key by key), creating it when absent. */
export async function upsertJobParameters(
  db: Handle,
  t: Tables,
  updates: readonly JobParametersUpdate[],
  now: Date,
): Promise<void> {
  const merged = new Map<number, JobParametersUpdate>();
  for (const u of updates) {
    if (Object.keys(u.parameters).length === 0) continue;
    const previous = merged.get(u.jobId);
    merged.set(u.jobId, { jobId: u.jobId, vo: u.vo, parameters: { ...previous?.parameters, ...u.parameters } });
  }
  for (const batch of batches([...merged.values()])) {
    const stored = await storedDocuments(
      db,
      t,
      batch.map((r) => r.jobId),
      true,
    );
    const rows = batch.map((r) => ({
      jobId: r.jobId,
      vo: r.vo,
      parameters: { ...stored.get(r.jobId), ...r.parameters },
      updatedAt: now,
    }));
    const d = t.jobParameterDocs;
    await db
      .insert(d)
      .values(rows)
      .onDuplicateKeyUpdate({
        set: {
          parameters: sql`VALUES(${sql.identifier('Parameters')})`,
          vo: sql`VALUES(${sql.identifier('VO')})`,
          updatedAt: sql`VALUES(${sql.identifier('UpdatedAt')})`,
        },
      });
  }
}

export async function getJobParameters(
  db: Handle,
  t: Tables,
  jobIds: readonly number[],
): Promise<Map<number, Record<string, unknown>>> {
  return storedDocuments(db, t, jobIds, false);
}
