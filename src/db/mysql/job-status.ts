/**
 * @module db/mysql/job-status
 * Status-side writes on DiracX's JobDB on MySQL/MariaDB (`diracx/db/sql/job/db.py`): locking
 * jobs, updating their attributes (one `CASE` per column, as DiracX's `set_job_attributes`),
 * job commands and heartbeat samples, deleting jobs. The same functions as `../job-status.ts`
 * over the qualified tables; the caller owns the transaction. Where DiracX's tables force a
 * difference:
 * - `JobCommands` and `HeartBeatLoggingInfo` key rows by a `DATETIME` of whole seconds: a job's
 *   commands get increasing reception times a second apart (now, or one second after its latest),
 *   where DiracX would fail on a second command within the same second; a heartbeat sample of a
 *   name already stored for that second replaces its value.
 * - Delivering commands marks them `Sent` as DiracX's `get_job_commands` does (`ExecutionTime`
 *   left as DiracX leaves it, NULL).
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { batches } from '../batches.ts';
import type {
  HeartbeatSample,
  JobAttributeName,
  JobAttributeUpdate,
  JobAttributeValue,
  JobCommandRow,
  LockedJob,
} from '../job-status.ts';
import { JOB_ATTRIBUTE_COLUMNS } from '../job-status.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'jobs' | 'jobJdls' | 'jobCommands' | 'heartBeatLoggingInfo' | 'jobParameterDocs'>;
const unique = (ids: readonly number[]): number[] => [...new Set(ids)].sort((a, b) => a - b);

/** A whole second, as a `DATETIME` column keeps it. */
const wholeSecond = (at: Date): Date => new Date(Math.floor(at.getTime() / 1000) * 1000);

/** Locks the jobs (of `vo` when given) in id order and returns what the status machine reads. */
export async function lockJobs(db: Handle, t: Tables, jobIds: readonly number[], vo?: string): Promise<LockedJob[]> {
  if (jobIds.length === 0) return [];
  const ids = inArray(t.jobs.jobId, unique(jobIds));
  return db
    .select({
      jobId: t.jobs.jobId,
      status: t.jobs.status,
      startExecTime: t.jobs.startExecTime,
      endExecTime: t.jobs.endExecTime,
      vo: t.jobs.vo,
    })
    .from(t.jobs)
    .where(vo === undefined ? ids : and(ids, eq(t.jobs.vo, vo)))
    .orderBy(asc(t.jobs.jobId))
    .for('update');
}

/**
 * The UTC text of a time's whole second (`YYYY-MM-DD HH:MM:SS`), from a `Date` or ISO-8601 text
 * (what the status logic writes, e.g. `2026-12-06T11:37:26.324000Z`; text without an offset is UTC,
 * as DiracX's naive times are). Text that is no time is left as it is, for MySQL to refuse.
 */
function datetimeText(value: Date | string): string {
  let at = value;
  if (typeof value === 'string') {
    const utc = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
    at = new Date(utc.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T').replace(/(\.\d{3})\d+/, '$1'));
  }
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) return String(value);
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * A value as DiracX's column holds it: `'True'`/`'False'` for the flag; a time as the UTC text of
 * its whole second (the `DATETIME` columns keep no fraction, and strict mode refuses a CASE's text
 * that would lose one, or that is ISO-8601 with its `T` and offset).
 */
function bindValue(name: JobAttributeName, value: JobAttributeValue): SQL {
  const isTime = JOB_ATTRIBUTE_COLUMNS[name].cast === 'timestamptz';
  if (value instanceof Date || (isTime && typeof value === 'string')) return sql`${datetimeText(value)}`;
  if (name === 'VerifiedFlag') return sql`${value === true || value === 'True' ? 'True' : 'False'}`;
  return sql`${value}`;
}

/** Sets each job's attributes, one statement per batch (`CASE JobID WHEN … THEN … ELSE col END`). */
export async function updateJobAttributes(
  db: Handle,
  t: Tables,
  updates: ReadonlyMap<number, JobAttributeUpdate>,
): Promise<void> {
  const entries = [...updates].filter(([, attrs]) => Object.keys(attrs).length > 0);
  for (const part of batches(entries)) {
    const columns = [...new Set(part.flatMap(([, attrs]) => Object.keys(attrs) as JobAttributeName[]))];
    const unsettable = columns.filter((name) => !Object.hasOwn(JOB_ATTRIBUTE_COLUMNS, name));
    if (unsettable.length > 0) throw new TypeError(`updateJobAttributes: ${unsettable.join(', ')} cannot be updated`);
    const assignments = columns.map((name) => {
      const whens = part.flatMap(([jobId, attrs]) => {
        const value = attrs[name];
        return value === undefined ? [] : [sql`WHEN ${jobId} THEN ${bindValue(name, value)}`];
      });
      return sql`CASE ${t.jobs.jobId} ${sql.join(whens, sql` `)} ELSE ${sql.identifier(name)} END`;
    });
    await db
      .update(t.jobs)
      .set(Object.fromEntries(columns.map((name, i) => [columnKey(t, name), assignments[i]])))
      .where(
        inArray(
          t.jobs.jobId,
          part.map(([jobId]) => jobId),
        ),
      );
  }
}

/** The drizzle key of the `Jobs` column named `name`. */
function columnKey(t: Tables, name: JobAttributeName): string {
  for (const [key, column] of Object.entries(t.jobs)) {
    if (typeof column === 'object' && column !== null && 'name' in column && column.name === name) return key;
  }
  throw new TypeError(`updateJobAttributes: no column ${name}`);
}

/** Queues commands; each job's get reception times a second apart, after its latest (see the module comment). */
export async function insertJobCommands(
  db: Handle,
  t: Tables,
  commands: readonly JobCommandRow[],
  now: Date,
): Promise<void> {
  if (commands.length === 0) return;
  const latest = await db
    .select({ jobId: t.jobCommands.jobId, at: sql<string>`MAX(${t.jobCommands.receptionTime})` })
    .from(t.jobCommands)
    .where(inArray(t.jobCommands.jobId, unique(commands.map((c) => c.jobId))))
    .groupBy(t.jobCommands.jobId)
    .for('update');
  const next = new Map<number, number>();
  for (const row of latest) next.set(row.jobId, Date.parse(`${String(row.at).replace(' ', 'T')}Z`) + 1000);
  const start = wholeSecond(now).getTime();
  const rows = commands.map((c) => {
    const at = Math.max(start, next.get(c.jobId) ?? start);
    next.set(c.jobId, at + 1000);
    return { jobId: c.jobId, command: c.command, arguments: c.arguments, receptionTime: new Date(at) };
  });
  for (const batch of batches(rows)) await db.insert(t.jobCommands).values(batch);
}

/** The jobs' commands not yet delivered, oldest first per job, now marked `Sent`. */
export async function takePendingJobCommands(
  db: Handle,
  t: Tables,
  jobIds: readonly number[],
): Promise<JobCommandRow[]> {
  if (jobIds.length === 0) return [];
  const pending = and(inArray(t.jobCommands.jobId, unique(jobIds)), eq(t.jobCommands.status, 'Received'));
  const rows = await db
    .select({ jobId: t.jobCommands.jobId, command: t.jobCommands.command, arguments: t.jobCommands.arguments })
    .from(t.jobCommands)
    .where(pending)
    .orderBy(asc(t.jobCommands.jobId), asc(t.jobCommands.receptionTime))
    .for('update');
  if (rows.length > 0) await db.update(t.jobCommands).set({ status: 'Sent' }).where(pending);
  return rows;
}

/** Stores heartbeat samples at their whole second; a sample already there for that name is replaced. */
export async function insertHeartbeatSamples(
  db: Handle,
  t: Tables,
  samples: readonly HeartbeatSample[],
): Promise<void> {
  for (const batch of batches(samples)) {
    await db
      .insert(t.heartBeatLoggingInfo)
      .values(batch.map((s) => ({ jobId: s.jobId, name: s.name, value: s.value, heartBeatTime: wholeSecond(s.time) })))
      .onDuplicateKeyUpdate({ set: { value: sql`VALUES(${t.heartBeatLoggingInfo.value})` } });
  }
}

/**
 * Deletes jobs (their JDL rows; DiracX's foreign keys cascade to the rest of JobDB) and their
 * parameter documents (in our own database, so no foreign key reaches them: PostgreSQL's cascade
 * deletes them); returns the ids that went.
 */
export async function deleteJobs(db: Handle, t: Tables, jobIds: readonly number[]): Promise<number[]> {
  if (jobIds.length === 0) return [];
  const found = await db
    .select({ jobId: t.jobJdls.jobId })
    .from(t.jobJdls)
    .where(inArray(t.jobJdls.jobId, unique(jobIds)))
    .for('update');
  if (found.length === 0) return [];
  const gone = found.map((r) => r.jobId);
  await db.delete(t.jobJdls).where(inArray(t.jobJdls.jobId, gone));
  await db.delete(t.jobParameterDocs).where(inArray(t.jobParameterDocs.jobId, gone));
  return gone.sort((a, b) => a - b);
}
