/**
 * @module db/pg/job-logging
 * Atomic queries on DiracX's JobLoggingDB (`LoggingInfo`): bulk insert of status records, the
 * latest record time (and sequence number) per job, reading and deleting a job's history, and the `StatusTimeOrder`
 * encoding. No rules live here (what to log is the logic's business); the caller owns the
 * transaction.
 */
import { asc, inArray, max, sql } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { loggingInfo } from '../schema/job-logging.ts';
import { batches } from '../batches.ts';

type Handle = Db | Tx;

/** DIRAC's "MagicEpoch": `StatusTimeOrder` counts seconds from here. */
const MAGIC_EPOCH_MS = 1_270_000_000_000;

/** The widest value `NUMERIC(12,3)` holds, in ms: instants before mid-1978 or after 2041 are clamped to it. */
const MAX_ORDER_MS = 999_999_999_999;

/**
 * `StatusTimeOrder` of an instant given in µs: epoch seconds − 1270000000, rounded to
 * milliseconds, clamped to the column's range (DiracX's MySQL column overflows instead).
 */
export function toStatusTimeOrder(us: number): string {
  const ms = Math.max(-MAX_ORDER_MS, Math.min(MAX_ORDER_MS, Math.round(us / 1000) - MAGIC_EPOCH_MS));
  const abs = Math.abs(ms);
  return `${ms < 0 ? '-' : ''}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

/** The instant (µs since the epoch) a `StatusTimeOrder` value stands for. */
export function fromStatusTimeOrder(order: string): number {
  const negative = order.trim().startsWith('-');
  const [whole = '0', frac = ''] = order.trim().replace(/^[+-]/, '').split('.');
  const ms = Number(whole) * 1000 + Number(frac.padEnd(3, '0').slice(0, 3));
  return ((negative ? -ms : ms) + MAGIC_EPOCH_MS) * 1000;
}

/** An ISO-8601 text PostgreSQL reads as `timestamptz` with full microsecond precision. */
function isoFromMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(us - ms * 1000).padStart(3, '0')}Z`;
}

export interface LoggingRecord {
  jobId: number;
  status: string;
  minorStatus: string;
  applicationStatus: string;
  /** When the change happened, µs since the epoch. */
  timeUs: number;
  source: string;
}

/**
 * Inserts records in the given order (so `SeqNum` follows it), one multi-row INSERT per chunk.
 * Values are stored as given: truncation to the column widths is the caller's choice.
 */
export async function insertLoggingRecords(db: Handle, records: readonly LoggingRecord[]): Promise<void> {
  for (const batch of batches(records)) {
    await db.insert(loggingInfo).values(
      batch.map((r) => ({
        jobId: r.jobId,
        status: r.status,
        minorStatus: r.minorStatus,
        applicationStatus: r.applicationStatus,
        statusTime: sql`${isoFromMicros(r.timeUs)}::timestamptz`,
        statusTimeOrder: toStatusTimeOrder(r.timeUs),
        statusSource: r.source,
      })),
    );
  }
}

/**
 * The time of each job's most recent record (µs since the epoch, from `StatusTimeOrder`), in one
 * query. Jobs without any record are absent.
 */
export async function latestRecordTimes(db: Handle, jobIds: readonly number[]): Promise<Map<number, number>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({ jobId: loggingInfo.jobId, last: max(loggingInfo.statusTimeOrder) })
    .from(loggingInfo)
    .where(inArray(loggingInfo.jobId, [...new Set(jobIds)]))
    .groupBy(loggingInfo.jobId);
  return new Map(rows.filter((r) => r.last !== null).map((r) => [r.jobId, fromStatusTimeOrder(String(r.last))]));
}

/**
 * The position of each job's history: the time of its most recent record (µs) and the highest
 * `SeqNum` it has. `SeqNum` comes from a sequence, so any record added to a job changes it.
 * Jobs without any record are absent.
 */
export async function historyPositions(
  db: Handle,
  jobIds: readonly number[],
): Promise<Map<number, { lastUs: number; lastSeqNum: number }>> {
  if (jobIds.length === 0) return new Map();
  const rows = await db
    .select({ jobId: loggingInfo.jobId, last: max(loggingInfo.statusTimeOrder), seq: max(loggingInfo.seqNum) })
    .from(loggingInfo)
    .where(inArray(loggingInfo.jobId, [...new Set(jobIds)]))
    .groupBy(loggingInfo.jobId);
  return new Map(
    rows
      .filter((r) => r.last !== null && r.seq !== null)
      .map((r) => [r.jobId, { lastUs: fromStatusTimeOrder(String(r.last)), lastSeqNum: Number(r.seq) }]),
  );
}

export interface StoredLoggingRecord {
  jobId: number;
  seqNum: number;
  status: string;
  minorStatus: string;
  applicationStatus: string;
  statusTime: Date;
  statusTimeOrder: string;
  source: string;
}

/** The raw history of the jobs (`idem` values kept), ordered as DiracX reads it. */
export async function getLoggingRecords(db: Handle, jobIds: readonly number[]): Promise<StoredLoggingRecord[]> {
  if (jobIds.length === 0) return [];
  return db
    .select({
      jobId: loggingInfo.jobId,
      seqNum: loggingInfo.seqNum,
      status: loggingInfo.status,
      minorStatus: loggingInfo.minorStatus,
      applicationStatus: loggingInfo.applicationStatus,
      statusTime: loggingInfo.statusTime,
      statusTimeOrder: loggingInfo.statusTimeOrder,
      source: loggingInfo.statusSource,
    })
    .from(loggingInfo)
    .where(inArray(loggingInfo.jobId, [...new Set(jobIds)]))
    .orderBy(
      asc(loggingInfo.jobId),
      asc(loggingInfo.statusTimeOrder),
      asc(loggingInfo.statusTime),
      asc(loggingInfo.seqNum),
    );
}

/** Deletes every record of the jobs; returns how many went. */
export async function deleteLoggingRecords(db: Handle, jobIds: readonly number[]): Promise<number> {
  if (jobIds.length === 0) return 0;
  const gone = await db
    .delete(loggingInfo)
    .where(inArray(loggingInfo.jobId, [...new Set(jobIds)]))
    .returning({ seqNum: loggingInfo.seqNum });
  return gone.length;
}
