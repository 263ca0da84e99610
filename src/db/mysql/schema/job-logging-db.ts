/**
 * @module db/mysql/schema/job-logging-db
 * DiracX 0.7.0's JobLoggingDB on MySQL/MariaDB (`diracx/db/sql/job_logging/schema.py`): one
 * status-history row per `(JobID, SeqNum)`. `StatusTimeOrder` is DiracX's `MagicEpochDateTime`:
 * seconds since 1270000000 (2010-03-31T01:46:40Z), `DECIMAL(12,3)`.
 */
import { decimal, int, primaryKey, varchar } from 'drizzle-orm/mysql-core';
import { type TableFn, utcDatetime, utcNow } from './columns.ts';

/** DiracX's `MagicEpochDateTime.MAGIC_EPOC_NUMBER`. */
export const MAGIC_EPOCH_SECONDS = 1270000000;

export function jobLoggingDbTables(table: TableFn) {
  const loggingInfo = table(
    'LoggingInfo',
    {
      jobId: int('JobID').notNull(),
      seqNum: int('SeqNum').notNull(),
      status: varchar('Status', { length: 32 })
        .notNull()
        .$defaultFn(() => ''),
      minorStatus: varchar('MinorStatus', { length: 128 })
        .notNull()
        .$defaultFn(() => ''),
      applicationStatus: varchar('ApplicationStatus', { length: 255 })
        .notNull()
        .$defaultFn(() => ''),
      statusTime: utcDatetime('StatusTime').notNull().default(utcNow),
      statusTimeOrder: decimal('StatusTimeOrder', { precision: 12, scale: 3 })
        .notNull()
        .$defaultFn(() => '0'),
      source: varchar('StatusSource', { length: 32 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
    },
    (t) => [primaryKey({ columns: [t.jobId, t.seqNum] })],
  );
  return { loggingInfo };
}
