/**
 * @module db/pg/job-status
 * Atomic JobDB queries of the status, heartbeat, metadata and removal operations: locking the
 * jobs' status rows, DiracX's bulk `UPDATE Jobs SET col = CASE JobID ... END` attribute update,
 * job commands (queued and delivered exactly once), heartbeat samples and physical deletion.
 * No rules live here; the caller owns the transaction.
 */
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { heartBeatLoggingInfo, jobCommands, jobJdls, jobs } from '../schema/jobs.ts';
import { batches } from '../batches.ts';

type Handle = Db | Tx;
const unique = (ids: readonly number[]): number[] => [...new Set(ids)].sort((a, b) => a - b);

interface ColumnType {
  cast: 'varchar' | 'timestamptz' | 'integer' | 'boolean';
  /** Width of a varchar column. */
  length?: number;
}
const varchar = (length: number): ColumnType => ({ cast: 'varchar', length });
const TIMESTAMP: ColumnType = { cast: 'timestamptz' };
const INTEGER: ColumnType = { cast: 'integer' };

/**
 * The `Jobs` columns an update may set, by their SQL (= wire) name, with their types. A job's
 * identity (`Owner`, `OwnerGroup`, `VO`) is not among them: it is written once, at submission,
 * and no update can hand a job to someone else.
 */
export const JOB_ATTRIBUTE_COLUMNS = {
  JobType: varchar(32),
  JobGroup: varchar(32),
  Site: varchar(100),
  JobName: varchar(128),
  SubmissionTime: TIMESTAMP,
  RescheduleTime: TIMESTAMP,
  LastUpdateTime: TIMESTAMP,
  StartExecTime: TIMESTAMP,
  HeartBeatTime: TIMESTAMP,
  EndExecTime: TIMESTAMP,
  Status: varchar(32),
  MinorStatus: varchar(128),
  ApplicationStatus: varchar(255),
  UserPriority: INTEGER,
  RescheduleCounter: INTEGER,
  VerifiedFlag: { cast: 'boolean' },
  /** DIRAC's ENUM('True','False','Failed'). */
  AccountedFlag: varchar(8),
} as const satisfies Record<string, ColumnType>;

export type JobAttributeName = keyof typeof JOB_ATTRIBUTE_COLUMNS;
/** Timestamps as `Date` or ISO-8601 text (text keeps microseconds). */
export type JobAttributeValue = string | number | boolean | Date;
export type JobAttributeUpdate = Partial<Record<JobAttributeName, JobAttributeValue>>;

export interface LockedJob {
  jobId: number;
  status: string;
  startExecTime: Date | null;
  endExecTime: Date | null;
  vo: string;
}

/**
 * Reads the jobs' status columns and locks their rows until the transaction ends (in JobID
 * order, so that concurrent writers cannot deadlock), so no concurrent update works from a
 * stale status. Missing ids, and with `vo` the jobs of other VOs, are absent from the result.
 */
export async function lockJobs(db: Handle, jobIds: readonly number[], vo?: string): Promise<LockedJob[]> {
  if (jobIds.length === 0) return [];
  const ids = inArray(jobs.jobId, unique(jobIds));
  return db
    .select({
      jobId: jobs.jobId,
      status: jobs.status,
      startExecTime: jobs.startExecTime,
      endExecTime: jobs.endExecTime,
      vo: jobs.vo,
    })
    .from(jobs)
    .where(vo === undefined ? ids : and(ids, eq(jobs.vo, vo)))
    .orderBy(asc(jobs.jobId))
    .for('update');
}

function bindValue(name: JobAttributeName, value: JobAttributeValue): SQL {
  const bound = value instanceof Date ? value.toISOString() : value;
  return sql`${bound}::${sql.raw(JOB_ATTRIBUTE_COLUMNS[name].cast)}`;
}

/**
 * Sets each job's attributes in one statement per chunk: every column touched by any job gets a
 * `CASE "JobID" WHEN ... THEN ... ELSE <column> END`, so jobs keep the columns they do not set.
 */
export async function updateJobAttributes(db: Handle, updates: ReadonlyMap<number, JobAttributeUpdate>): Promise<void> {
  const entries = [...updates].filter(([, attrs]) => Object.keys(attrs).length > 0);
  for (const part of batches(entries)) {
    const columns = [...new Set(part.flatMap(([, attrs]) => Object.keys(attrs) as JobAttributeName[]))];
    // The type already says so; this holds for callers that built the update from untyped keys.
    const unsettable = columns.filter((name) => !Object.hasOwn(JOB_ATTRIBUTE_COLUMNS, name));
    if (unsettable.length > 0) throw new TypeError(`updateJobAttributes: ${unsettable.join(', ')} cannot be updated`);
    const assignments = columns.map((name) => {
      const whens = part.flatMap(([jobId, attrs]) => {
        const value = attrs[name];
        return value === undefined ? [] : [sql`when ${jobId}::integer then ${bindValue(name, value)}`];
      });
      return sql`${sql.identifier(name)} = case "JobID" ${sql.join(whens, sql` `)} else ${sql.identifier(name)} end`;
    });
    const ids = sql.join(
      part.map(([jobId]) => sql`${jobId}::integer`),
      sql`, `,
    );
    await db.execute(sql`update "Jobs" set ${sql.join(assignments, sql`, `)} where "JobID" in (${ids})`);
  }
}

export interface JobCommandRow {
  jobId: number;
  command: string;
  arguments: string;
}

/**
 * Queues commands for the jobs' pilots. `(JobID, ReceptionTime)` is the key, so each command
 * gets `now`, moved past the job's latest queued command when needed, plus its rank among this
 * call's commands for the same job: several commands for one job never collide.
 */
export async function insertJobCommands(db: Handle, commands: readonly JobCommandRow[], now: Date): Promise<void> {
  const rank = new Map<number, number>();
  const rows = commands.map((c) => {
    const k = rank.get(c.jobId) ?? 0;
    rank.set(c.jobId, k + 1);
    const latest = sql`(select max(c."ReceptionTime") from "JobCommands" c where c."JobID" = ${c.jobId}::integer)`;
    const afterLatest = sql`coalesce(${latest}, '-infinity'::timestamptz) + interval '1 microsecond'`;
    const offset = sql`${k}::integer * interval '1 microsecond'`;
    const receptionTime = sql`greatest(${now.toISOString()}::timestamptz, ${afterLatest}) + ${offset}`;
    return { jobId: c.jobId, command: c.command, arguments: c.arguments, receptionTime };
  });
  for (const batch of batches(rows)) await db.insert(jobCommands).values(batch);
}

/**
 * The jobs' pending (`Received`) commands, marked `Sent` by the same statement, ordered by job
 * and reception time: a command is delivered once even to concurrent heartbeats.
 */
export async function takePendingJobCommands(
  db: Handle,
  jobIds: readonly number[],
  now: Date,
): Promise<JobCommandRow[]> {
  if (jobIds.length === 0) return [];
  const rows = await db
    .update(jobCommands)
    .set({ status: 'Sent', executionTime: now })
    .where(and(inArray(jobCommands.jobId, unique(jobIds)), eq(jobCommands.status, 'Received')))
    .returning({
      jobId: jobCommands.jobId,
      command: jobCommands.command,
      arguments: jobCommands.arguments,
      at: jobCommands.receptionTime,
    });
  rows.sort((a, b) => a.jobId - b.jobId || a.at.getTime() - b.at.getTime());
  return rows.map(({ jobId, command, arguments: args }) => ({ jobId, command, arguments: args }));
}

export interface HeartbeatSample {
  jobId: number;
  name: string;
  value: string;
  time: Date;
}

/** Stores heartbeat samples; a second sample of the same job, name and instant replaces the first. */
export async function insertHeartbeatSamples(db: Handle, samples: readonly HeartbeatSample[]): Promise<void> {
  for (const batch of batches(samples)) {
    await db
      .insert(heartBeatLoggingInfo)
      .values(batch.map((s) => ({ jobId: s.jobId, name: s.name, value: s.value, heartBeatTime: s.time })))
      .onConflictDoUpdate({
        target: [heartBeatLoggingInfo.jobId, heartBeatLoggingInfo.name, heartBeatLoggingInfo.heartBeatTime],
        set: { value: sql`excluded."Value"` },
      });
  }
}

/**
 * Deletes the jobs' `JobJDLs` rows, which cascades to `Jobs` and every table hanging off it;
 * returns the ids deleted.
 */
export async function deleteJobs(db: Handle, jobIds: readonly number[]): Promise<number[]> {
  if (jobIds.length === 0) return [];
  const gone = await db
    .delete(jobJdls)
    .where(inArray(jobJdls.jobId, unique(jobIds)))
    .returning({ jobId: jobJdls.jobId });
  return gone.map((r) => r.jobId).sort((a, b) => a - b);
}
