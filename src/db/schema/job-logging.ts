/**
 * @module db/schema/job-logging
 * DiracX's JobLoggingDB (`diracx-db/src/diracx/db/sql/job_logging/schema.py`): the history of
 * every job's status changes. `SeqNum` comes from a sequence (DiracX computes max+1, which
 * races under concurrent writers).
 */
import { bigserial, index, integer, numeric, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';

export const loggingInfo = pgTable(
  'LoggingInfo',
  {
    jobId: integer('JobID').notNull(),
    seqNum: bigserial('SeqNum', { mode: 'number' }).primaryKey(),
    status: varchar('Status', { length: 32 }).notNull().default(''),
    minorStatus: varchar('MinorStatus', { length: 128 }).notNull().default(''),
    applicationStatus: varchar('ApplicationStatus', { length: 255 }).notNull().default(''),
    statusTime: timestamp('StatusTime', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** Ordering key: epoch seconds minus DIRAC's "MagicEpoch" 1270000000, three decimals. */
    statusTimeOrder: numeric('StatusTimeOrder', { precision: 12, scale: 3 }).notNull(),
    statusSource: varchar('StatusSource', { length: 32 }).notNull().default('Unknown'),
  },
  (t) => [index('LoggingInfo_JobID').on(t.jobId, t.statusTimeOrder)],
);

export type LoggingInfoRow = typeof loggingInfo.$inferSelect;
