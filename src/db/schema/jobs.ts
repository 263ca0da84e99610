/**
 * @module db/schema/jobs
 * Tables of DiracX's JobDB (`diracx-db/src/diracx/db/sql/job/schema.py`), with DIRAC's
 * table and column names so that SQL written against DIRAC reads the same. Column keys are
 * camelCase; column names match DiracX exactly. No rules live here.
 */
import { boolean, index, integer, pgTable, primaryKey, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';

/** Timestamp columns are always time-zone aware UTC (DiracX's `SmarterDateTime`). */
const utcTimestamp = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** `JobJDLs` is the source of job ids: inserting a row allocates the `JobID`. */
export const jobJdls = pgTable('JobJDLs', {
  jobId: serial('JobID').primaryKey(),
  jdl: text('JDL').notNull().default(''),
  jobRequirements: text('JobRequirements').notNull().default(''),
  originalJdl: text('OriginalJDL').notNull().default(''),
});

export const jobs = pgTable(
  'Jobs',
  {
    jobId: integer('JobID')
      .primaryKey()
      .references(() => jobJdls.jobId, { onDelete: 'cascade' }),
    jobType: varchar('JobType', { length: 32 }).notNull().default('user'),
    jobGroup: varchar('JobGroup', { length: 32 }).notNull().default('00000000'),
    site: varchar('Site', { length: 100 }).notNull().default('ANY'),
    jobName: varchar('JobName', { length: 128 }).notNull().default('Unknown'),
    owner: varchar('Owner', { length: 64 }).notNull().default('Unknown'),
    ownerGroup: varchar('OwnerGroup', { length: 128 }).notNull().default('Unknown'),
    vo: varchar('VO', { length: 32 }).notNull(),
    submissionTime: utcTimestamp('SubmissionTime'),
    rescheduleTime: utcTimestamp('RescheduleTime'),
    lastUpdateTime: utcTimestamp('LastUpdateTime'),
    startExecTime: utcTimestamp('StartExecTime'),
    heartBeatTime: utcTimestamp('HeartBeatTime'),
    endExecTime: utcTimestamp('EndExecTime'),
    status: varchar('Status', { length: 32 }).notNull().default('Received'),
    minorStatus: varchar('MinorStatus', { length: 128 }).notNull().default('Unknown'),
    applicationStatus: varchar('ApplicationStatus', { length: 255 }).notNull().default('Unknown'),
    userPriority: integer('UserPriority').notNull().default(0),
    rescheduleCounter: integer('RescheduleCounter').notNull().default(0),
    verifiedFlag: boolean('VerifiedFlag').notNull().default(false),
    /** DIRAC's ENUM('True','False','Failed'); the wire shows true, false or "Failed". */
    accountedFlag: varchar('AccountedFlag', { length: 8 }).notNull().default('False'),
  },
  (t) => [
    index('Jobs_JobType').on(t.jobType),
    index('Jobs_JobGroup').on(t.jobGroup),
    index('Jobs_Site').on(t.site),
    index('Jobs_Owner').on(t.owner),
    index('Jobs_OwnerGroup').on(t.ownerGroup),
    index('Jobs_Status').on(t.status),
    index('Jobs_MinorStatus').on(t.minorStatus),
    index('Jobs_ApplicationStatus').on(t.applicationStatus),
    index('Jobs_StatusSite').on(t.status, t.site),
    index('Jobs_LastUpdateTime').on(t.lastUpdateTime),
    // Every search is scoped to the caller's VO, and usually to the owner.
    // (…, JobID) so a scoped page ordered by JobID is read from the index, not sorted.
    index('Jobs_VO_Owner_JobID').on(t.vo, t.owner, t.jobId),
    index('Jobs_VO_JobID').on(t.vo, t.jobId),
    // A VO's (or one owner's) jobs by status and site, newest first: the search a user runs most,
    // and its total count, answered from the index alone at a million jobs (bench/, docs/performance.md).
    index('Jobs_VO_Status_Site_JobID').on(t.vo, t.status, t.site, t.jobId),
    index('Jobs_VO_Owner_Status_Site_JobID').on(t.vo, t.owner, t.status, t.site, t.jobId),
    index('Jobs_SubmissionTime').on(t.submissionTime),
  ],
);

export const inputData = pgTable(
  'InputData',
  {
    jobId: integer('JobID')
      .notNull()
      .references(() => jobs.jobId, { onDelete: 'cascade' }),
    lfn: varchar('LFN', { length: 255 }).notNull(),
    status: varchar('Status', { length: 32 }).notNull().default('AprioriGood'),
  },
  (t) => [primaryKey({ name: 'InputData_pk', columns: [t.jobId, t.lfn] })],
);

/** One-shot commands for a job's pilot (e.g. `Kill`), delivered once at the next heartbeat. */
export const jobCommands = pgTable(
  'JobCommands',
  {
    jobId: integer('JobID')
      .notNull()
      .references(() => jobs.jobId, { onDelete: 'cascade' }),
    command: varchar('Command', { length: 100 }).notNull(),
    arguments: varchar('Arguments', { length: 100 }).notNull().default(''),
    /** `Received` until delivered, then `Sent`. */
    status: varchar('Status', { length: 64 }).notNull().default('Received'),
    receptionTime: utcTimestamp('ReceptionTime').notNull().defaultNow(),
    executionTime: utcTimestamp('ExecutionTime'),
  },
  (t) => [primaryKey({ name: 'JobCommands_pk', columns: [t.jobId, t.receptionTime] })],
);

/** Numeric heartbeat samples (`LoadAverage`, `MemoryUsed`, ...) per job and time. */
export const heartBeatLoggingInfo = pgTable(
  'HeartBeatLoggingInfo',
  {
    jobId: integer('JobID')
      .notNull()
      .references(() => jobs.jobId, { onDelete: 'cascade' }),
    name: varchar('Name', { length: 100 }).notNull(),
    value: text('Value').notNull(),
    heartBeatTime: utcTimestamp('HeartBeatTime').notNull(),
  },
  (t) => [primaryKey({ name: 'HeartBeatLoggingInfo_pk', columns: [t.jobId, t.name, t.heartBeatTime] })],
);

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;
