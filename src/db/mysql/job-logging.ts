/**
 * @module db/mysql/job-logging
 * DiracX's JobLoggingDB on MySQL/MariaDB, written and read as DiracX 0.7.0 does
 * (`diracx/db/sql/job_logging/db.py`): `SeqNum` is each job's highest plus one (1 for its first
 * record), `StatusTime` a naive UTC `DATETIME` (whole seconds, as the column keeps them),
 * `StatusTimeOrder` seconds since DIRAC's magic epoch with three decimals, and a history is read
 * ordered by `StatusTimeOrder`, then `StatusTime`. The same functions as `../job-logging.ts`
 * (PostgreSQL), over the qualified tables of `MysqlDatabase`; the caller owns the transaction.
 * One difference from DiracX: the highest `SeqNum`s are read `FOR UPDATE`, so that two writers of
 * one job's history (ours or DiracX's) take turns instead of one failing on a duplicate key.
 */
import { asc, inArray, max, sql } from 'drizzle-orm';
import { batches } from '../batches.ts';
import {
  fromStatusTimeOrder,
  type LoggingRecord,
  type StoredLoggingRecord,
  toStatusTimeOrder,
} from '../job-logging.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'loggingInfo'>;

/** The next `SeqNum` of each job that has records, locking those rows until the transaction ends. */
async function nextSeqNums(db: Handle, t: Tables, jobIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await db
    .select({ jobId: t.loggingInfo.jobId, next: sql<number>`COALESCE(MAX(${t.loggingInfo.seqNum}) + 1, 1)` })
    .from(t.loggingInfo)
    .where(inArray(t.loggingInfo.jobId, [...new Set(jobIds)]))
    .groupBy(t.loggingInfo.jobId)
    .for('update');
  return new Map(rows.map((row) => [row.jobId, Number(row.next)]));
}

/** Inserts records in the given order, numbering each job's from its highest `SeqNum` plus one. */
export async function insertLoggingRecords(db: Handle, t: Tables, records: readonly LoggingRecord[]): Promise<void> {
  if (records.length === 0) return;
  const next = await nextSeqNums(
    db,
    t,
    records.map((r) => r.jobId),
  );
  const rows = records.map((r) => {
    const seqNum = next.get(r.jobId) ?? 1;
    next.set(r.jobId, seqNum + 1);
    return {
      jobId: r.jobId,
      seqNum,
      status: r.status,
      minorStatus: r.minorStatus,
      applicationStatus: r.applicationStatus,
      statusTime: new Date(Math.floor(r.timeUs / 1000)),
      statusTimeOrder: toStatusTimeOrder(r.timeUs),
      source: r.source,
    };
  });
  for (const batch of batches(rows)) await db.insert(t.loggingInfo).values(batch);
}

/** The time (µs, from `StatusTimeOrder`) of each job's most recent record; jobs without any are absent. */
export async function latestRecordTimes(
  db: Handle,
  t: Tables,
  jobIds: readonly number[],
): Promise<Map<number, number>> {
  const positions = await historyPositions(db, t, jobIds);
  return new Map([...positions].map(([jobId, p]) => [jobId, p.lastUs]));
}

/** Each job's most recent record time (µs) and highest `SeqNum`; jobs without records are absent. */
export async function historyPositions(
  db: Handle,
  t: Tables,
  jobIds: readonly number[],
): Promise<Map<number, { lastUs: number; lastSeqNum: number }>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({
      jobId: t.loggingInfo.jobId,
      last: max(t.loggingInfo.statusTimeOrder),
      seq: max(t.loggingInfo.seqNum),
    })
    .from(t.loggingInfo)
    .where(inArray(t.loggingInfo.jobId, [...new Set(jobIds)]))
    .groupBy(t.loggingInfo.jobId);
  return new Map(
    rows
      .filter((r) => r.last !== null && r.seq !== null)
      .map((r) => [r.jobId, { lastUs: fromStatusTimeOrder(String(r.last)), lastSeqNum: Number(r.seq) }]),
  );
}

/** The raw history of the jobs (`idem` values kept), ordered as DiracX reads it. */
export async function getLoggingRecords(
  db: Handle,
  t: Tables,
  jobIds: readonly number[],
): Promise<StoredLoggingRecord[]> {
  if (jobIds.length === 0) return [];
  const l = t.loggingInfo;
  return db
    .select({
      jobId: l.jobId,
      seqNum: l.seqNum,
      status: l.status,
      minorStatus: l.minorStatus,
      applicationStatus: l.applicationStatus,
      statusTime: l.statusTime,
      statusTimeOrder: l.statusTimeOrder,
      source: l.source,
    })
    .from(l)
    .where(inArray(l.jobId, [...new Set(jobIds)]))
    .orderBy(asc(l.jobId), asc(l.statusTimeOrder), asc(l.statusTime), asc(l.seqNum));
}

/** Deletes every record of the jobs; returns how many went. */
export async function deleteLoggingRecords(db: Handle, t: Tables, jobIds: readonly number[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  const [header] = await db.delete(t.loggingInfo).where(inArray(t.loggingInfo.jobId, [...new Set(jobIds)]));
  return header.affectedRows;
}
