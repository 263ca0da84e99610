/**
 * @module db/job-logging
 * Job status history (DiracX's JobLoggingDB `LoggingInfo`), on whichever dialect the session is:
 * each function hands the session to `./pg/job-logging.ts` or its MySQL/MariaDB counterpart in
 * `./mysql/`.
 */
import type { LoggingRecord, StoredLoggingRecord } from './pg/job-logging.ts';
import type { Session } from './session.ts';
import * as pg from './pg/job-logging.ts';
import * as mysqlJobLogging from './mysql/job-logging.ts';
export type { LoggingRecord, StoredLoggingRecord } from './pg/job-logging.ts';
export { toStatusTimeOrder, fromStatusTimeOrder } from './pg/job-logging.ts';

/**
 * Inserts records in the given order (so `SeqNum` follows it), one multi-row INSERT per chunk.
 * Values are stored as given: truncation to the column widths is the caller's choice.
 */
export function insertLoggingRecords(s: Session, records: readonly LoggingRecord[]): Promise<void> {
  return s.dialect === 'mysql'
    ? mysqlJobLogging.insertLoggingRecords(s.db, s.tables, records)
    : pg.insertLoggingRecords(s.db, records);
}

/**
 * The time of each job's most recent record (µs since the epoch, from `StatusTimeOrder`), in one
 * query. Jobs without any record are absent.
 */
export function latestRecordTimes(s: Session, jobIds: readonly number[]): Promise<Map<number, number>> {
  return s.dialect === 'mysql'
    ? mysqlJobLogging.latestRecordTimes(s.db, s.tables, jobIds)
    : pg.latestRecordTimes(s.db, jobIds);
}

/**
 * The position of each job's history: the time of its most recent record (µs) and the highest
 * `SeqNum` it has. `SeqNum` comes from a sequence, so any record added to a job changes it.
 * Jobs without any record are absent.
 */
export function historyPositions(
  s: Session,
  jobIds: readonly number[],
): Promise<Map<number, { lastUs: number; lastSeqNum: number }>> {
  return s.dialect === 'mysql'
    ? mysqlJobLogging.historyPositions(s.db, s.tables, jobIds)
    : pg.historyPositions(s.db, jobIds);
}

/** The raw history of the jobs (`idem` values kept), ordered as DiracX reads it. */
export function getLoggingRecords(s: Session, jobIds: readonly number[]): Promise<StoredLoggingRecord[]> {
  return s.dialect === 'mysql'
    ? mysqlJobLogging.getLoggingRecords(s.db, s.tables, jobIds)
    : pg.getLoggingRecords(s.db, jobIds);
}

/** Deletes every record of the jobs; returns how many went. */
export function deleteLoggingRecords(s: Session, jobIds: readonly number[]): Promise<number> {
  return s.dialect === 'mysql'
    ? mysqlJobLogging.deleteLoggingRecords(s.db, s.tables, jobIds)
    : pg.deleteLoggingRecords(s.db, jobIds);
}
