/**
 * The job tables as tests seed and read them, on either dialect of the test database: PostgreSQL's
 * schema (`src/db/schema/`) or DiracX's MySQL/MariaDB tables (`src/db/mysql/schema/`), whose
 * drizzle tables share the property names. Jobs are seeded through the data layer's submission
 * writes; what it offers no function for (the next job id, a job's whole row, its input data,
 * commands, heartbeat samples, a task queue, the VO of a parameters document) is read or written
 * here, and given back in one shape: a MySQL `EnumBackedBool` flag ('True'/'False') as the
 * boolean PostgreSQL stores.
 */
import { asc, count, countDistinct, eq, inArray, sql } from 'drizzle-orm';
import { allocateJobIds, insertSubmittedJobs } from '../../src/db/job-submission.ts';
import { jobParameters } from '../../src/db/schema/job-parameters.ts';
import { heartBeatLoggingInfo, inputData, jobCommands, jobs, type JobRow } from '../../src/db/schema/jobs.ts';
import { taskQueueJobs, taskQueues } from '../../src/db/schema/task-queue.ts';
import type { AnyDatabase } from './database.ts';

/** Makes `jobId` the id the next submitted job gets (ids below it are then never handed out). */
export async function setNextJobId(database: AnyDatabase, jobId: number): Promise<void> {
  if (database.driver === 'mysql') {
    const table = `\`${database.names.diracx.JobDB}\`.\`JobJDLs\``;
    await database.query(sql.raw(`ALTER TABLE ${table} AUTO_INCREMENT = ${Math.trunc(jobId)}`));
    return;
  }
  await database.query(sql`select setval(pg_get_serial_sequence('"JobJDLs"', 'JobID'), ${jobId - 1})`);
}

export interface NewJobs {
  status: string;
  minorStatus: string;
  vo: string;
  owner: string;
  ownerGroup: string;
  /** Submission and last update time, and the time of the first history record (from "JobManager"). */
  at: Date;
}

/** Inserts `n` jobs with JDL `[]` as a submission does (one history record each); returns their ids. */
export function insertJobs(database: AnyDatabase, n: number, job: NewJobs): Promise<number[]> {
  const { status, minorStatus, vo, owner, ownerGroup, at } = job;
  return database.transaction(async (tx) => {
    const ids = await allocateJobIds(tx, n);
    await insertSubmittedJobs(
      tx,
      ids.map((jobId) => ({
        jdl: { jobId, jdl: '[]', jobRequirements: '', originalJdl: '[]' },
        job: {
          jobId,
          vo,
          owner,
          ownerGroup,
          status,
          minorStatus,
          applicationStatus: 'Unknown',
          submissionTime: at,
          lastUpdateTime: at,
          verifiedFlag: true,
        },
        inputData: [],
        logging: {
          jobId,
          status,
          minorStatus,
          applicationStatus: 'Unknown',
          timeUs: at.getTime() * 1000,
          source: 'JobManager',
        },
      })),
    );
    return ids;
  });
}

/** The `Jobs` rows of `jobIds`, by job id. */
export async function readJobRows(database: AnyDatabase, jobIds: readonly number[]): Promise<JobRow[]> {
  if (jobIds.length === 0) return [];
  if (database.driver === 'mysql') {
    const t = database.tables.jobs;
    const rows = await database.db
      .select()
      .from(t)
      .where(inArray(t.jobId, [...jobIds]))
      .orderBy(asc(t.jobId));
    return rows.map((r) => ({ ...r, verifiedFlag: r.verifiedFlag === 'True' }));
  }
  return database.db
    .select()
    .from(jobs)
    .where(inArray(jobs.jobId, [...jobIds]))
    .orderBy(asc(jobs.jobId));
}

/** The `Jobs` row of `jobId`, or undefined. */
export async function readJobRow(database: AnyDatabase, jobId: number): Promise<JobRow | undefined> {
  return (await readJobRows(database, [jobId]))[0];
}

/** How many jobs `Jobs` holds. */
export async function countJobs(database: AnyDatabase): Promise<number> {
  const rows =
    database.driver === 'mysql'
      ? await database.db.select({ n: count() }).from(database.tables.jobs)
      : await database.db.select({ n: count() }).from(jobs);
  return Number(rows[0]?.n ?? 0);
}

/** The LFNs of a job's `InputData`, in code-unit order (MySQL's collation orders them otherwise). */
export async function readInputData(database: AnyDatabase, jobId: number): Promise<string[]> {
  const rows =
    database.driver === 'mysql'
      ? await database.db
          .select({ lfn: database.tables.inputData.lfn })
          .from(database.tables.inputData)
          .where(eq(database.tables.inputData.jobId, jobId))
      : await database.db.select({ lfn: inputData.lfn }).from(inputData).where(eq(inputData.jobId, jobId));
  return rows.map((r) => r.lfn).sort();
}

export interface StoredJobCommand {
  jobId: number;
  command: string;
  status: string;
  receptionTime: Date;
}

/** The `JobCommands` rows of `jobIds`, by job and reception time. */
export async function readJobCommands(database: AnyDatabase, jobIds: readonly number[]): Promise<StoredJobCommand[]> {
  if (jobIds.length === 0) return [];
  if (database.driver === 'mysql') {
    const t = database.tables.jobCommands;
    return database.db
      .select({ jobId: t.jobId, command: t.command, status: t.status, receptionTime: t.receptionTime })
      .from(t)
      .where(inArray(t.jobId, [...jobIds]))
      .orderBy(asc(t.jobId), asc(t.receptionTime));
  }
  return database.db
    .select({
      jobId: jobCommands.jobId,
      command: jobCommands.command,
      status: jobCommands.status,
      receptionTime: jobCommands.receptionTime,
    })
    .from(jobCommands)
    .where(inArray(jobCommands.jobId, [...jobIds]))
    .orderBy(asc(jobCommands.jobId), asc(jobCommands.receptionTime));
}

/** How many distinct reception times a job's commands have, counted by the database (at its precision). */
export async function countCommandTimes(database: AnyDatabase, jobId: number): Promise<number> {
  const rows =
    database.driver === 'mysql'
      ? await database.db
          .select({ n: countDistinct(database.tables.jobCommands.receptionTime) })
          .from(database.tables.jobCommands)
          .where(eq(database.tables.jobCommands.jobId, jobId))
      : await database.db
          .select({ n: countDistinct(jobCommands.receptionTime) })
          .from(jobCommands)
          .where(eq(jobCommands.jobId, jobId));
  return Number(rows[0]?.n ?? 0);
}

export interface StoredHeartbeatSample {
  name: string;
  value: string;
  heartBeatTime: Date;
}

/** The `HeartBeatLoggingInfo` rows of a job, by time and name. */
export async function readHeartbeatSamples(database: AnyDatabase, jobId: number): Promise<StoredHeartbeatSample[]> {
  if (database.driver === 'mysql') {
    const t = database.tables.heartBeatLoggingInfo;
    return database.db
      .select({ name: t.name, value: t.value, heartBeatTime: t.heartBeatTime })
      .from(t)
      .where(eq(t.jobId, jobId))
      .orderBy(asc(t.heartBeatTime), asc(t.name));
  }
  const t = heartBeatLoggingInfo;
  return database.db
    .select({ name: t.name, value: t.value, heartBeatTime: t.heartBeatTime })
    .from(t)
    .where(eq(t.jobId, jobId))
    .orderBy(asc(t.heartBeatTime), asc(t.name));
}

export interface NewTaskQueue {
  owner: string;
  ownerGroup: string;
  vo: string;
  cpuTime: number;
  priority: number;
  enabled: boolean;
}

/** Creates a task queue holding `jobIds` (priority 1 each); returns its id. */
export async function insertTaskQueue(
  database: AnyDatabase,
  queue: NewTaskQueue,
  jobIds: readonly number[],
): Promise<number> {
  const members = (tqId: number) => jobIds.map((jobId) => ({ tqId, jobId, priority: 1, realPriority: 1 }));
  if (database.driver === 'mysql') {
    const t = database.tables;
    const [result] = await database.db.insert(t.taskQueues).values(queue);
    const tqId = result.insertId;
    if (jobIds.length > 0) await database.db.insert(t.taskQueueJobs).values(members(tqId));
    return tqId;
  }
  const [tq] = await database.db.insert(taskQueues).values(queue).returning({ id: taskQueues.tqId });
  if (!tq) throw new Error('no task queue inserted');
  if (jobIds.length > 0) await database.db.insert(taskQueueJobs).values(members(tq.id));
  return tq.id;
}

/** Whether task queue `tqId` exists, and the jobs it holds in job id order. */
export async function readTaskQueue(
  database: AnyDatabase,
  tqId: number,
): Promise<{ exists: boolean; jobIds: number[] }> {
  if (database.driver === 'mysql') {
    const t = database.tables;
    const queues = await database.db
      .select({ id: t.taskQueues.tqId })
      .from(t.taskQueues)
      .where(eq(t.taskQueues.tqId, tqId));
    const held = await database.db
      .select({ jobId: t.taskQueueJobs.jobId })
      .from(t.taskQueueJobs)
      .where(eq(t.taskQueueJobs.tqId, tqId))
      .orderBy(asc(t.taskQueueJobs.jobId));
    return { exists: queues.length === 1, jobIds: held.map((m) => m.jobId) };
  }
  const queues = await database.db.select({ id: taskQueues.tqId }).from(taskQueues).where(eq(taskQueues.tqId, tqId));
  const held = await database.db
    .select({ jobId: taskQueueJobs.jobId })
    .from(taskQueueJobs)
    .where(eq(taskQueueJobs.tqId, tqId))
    .orderBy(asc(taskQueueJobs.jobId));
  return { exists: queues.length === 1, jobIds: held.map((m) => m.jobId) };
}

/** The VO of job `jobId`'s parameters document (our own table on either dialect), or undefined. */
export async function readJobParametersVo(database: AnyDatabase, jobId: number): Promise<string | undefined> {
  const rows =
    database.driver === 'mysql'
      ? await database.db
          .select({ vo: database.tables.jobParameterDocs.vo })
          .from(database.tables.jobParameterDocs)
          .where(eq(database.tables.jobParameterDocs.jobId, jobId))
      : await database.db.select({ vo: jobParameters.vo }).from(jobParameters).where(eq(jobParameters.jobId, jobId));
  return rows[0]?.vo;
}
