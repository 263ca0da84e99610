/**
 * @module db/mysql/schema/job-db
 * DiracX 0.7.0's JobDB on MySQL/MariaDB (`diracx/db/sql/job/schema.py`): table, column, index
 * and foreign-key names, types, nullability and server defaults exactly as DiracX's
 * `metadata.create_all` creates them (test/db/mysql/diracx-schema.test.ts compares the two on a
 * live MariaDB). SQLAlchemy's Python-side defaults are client-side here (`$defaultFn`), so the
 * DDL carries none, as DiracX's does not.
 */
import { foreignKey, index, int, primaryKey, text, varchar } from 'drizzle-orm/mysql-core';
import { enumBackedBool, type TableFn, utcDatetime } from './columns.ts';
import { mysqlEnum } from 'drizzle-orm/mysql-core';

/** The tables of JobDB, built by `table` (unqualified for DDL, or inside the JobDB database). */
export function jobDbTables(table: TableFn) {
  const jobJdls = table('JobJDLs', {
    jobId: int('JobID').autoincrement().primaryKey(),
    jdl: text('JDL').notNull(),
    jobRequirements: text('JobRequirements').notNull(),
    originalJdl: text('OriginalJDL').notNull(),
  });

  const jobs = table(
    'Jobs',
    {
      jobId: int('JobID').primaryKey(),
      jobType: varchar('JobType', { length: 32 })
        .notNull()
        .$defaultFn(() => 'user'),
      jobGroup: varchar('JobGroup', { length: 32 })
        .notNull()
        .$defaultFn(() => '00000000'),
      site: varchar('Site', { length: 100 })
        .notNull()
        .$defaultFn(() => 'ANY'),
      jobName: varchar('JobName', { length: 128 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      owner: varchar('Owner', { length: 64 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      ownerGroup: varchar('OwnerGroup', { length: 128 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      vo: varchar('VO', { length: 32 }).notNull(),
      submissionTime: utcDatetime('SubmissionTime'),
      rescheduleTime: utcDatetime('RescheduleTime'),
      lastUpdateTime: utcDatetime('LastUpdateTime'),
      startExecTime: utcDatetime('StartExecTime'),
      heartBeatTime: utcDatetime('HeartBeatTime'),
      endExecTime: utcDatetime('EndExecTime'),
      status: varchar('Status', { length: 32 })
        .notNull()
        .$defaultFn(() => 'Received'),
      minorStatus: varchar('MinorStatus', { length: 128 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      applicationStatus: varchar('ApplicationStatus', { length: 255 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      userPriority: int('UserPriority')
        .notNull()
        .$defaultFn(() => 0),
      rescheduleCounter: int('RescheduleCounter')
        .notNull()
        .$defaultFn(() => 0),
      verifiedFlag: enumBackedBool('VerifiedFlag')
        .notNull()
        .$defaultFn(() => 'False'),
      /** DiracX's `AccountedFlagEnum`: the wire shows true, false or "Failed". */
      accountedFlag: mysqlEnum('AccountedFlag', ['True', 'False', 'Failed'])
        .notNull()
        .$defaultFn(() => 'False'),
    },
    (t) => [
      foreignKey({ name: 'Jobs_ibfk_1', columns: [t.jobId], foreignColumns: [jobJdls.jobId] })
        .onDelete('cascade')
        .onUpdate('restrict'),
      index('JobType').on(t.jobType),
      index('JobGroup').on(t.jobGroup),
      index('Site').on(t.site),
      index('Owner').on(t.owner),
      index('OwnerGroup').on(t.ownerGroup),
      index('Status').on(t.status),
      index('MinorStatus').on(t.minorStatus),
      index('ApplicationStatus').on(t.applicationStatus),
      index('StatusSite').on(t.status, t.site),
      index('LastUpdateTime').on(t.lastUpdateTime),
    ],
  );

  /** A `(JobID, Name) -> Value` table of JobDB (JobParameters, OptimizerParameters). */
  const nameValue = <N extends string>(name: N) =>
    table(
      name,
      {
        jobId: int('JobID').notNull(),
        name: varchar('Name', { length: 100 }).notNull(),
        value: text('Value').notNull(),
      },
      (t) => [
        primaryKey({ columns: [t.jobId, t.name] }),
        foreignKey({ name: `${name}_ibfk_1`, columns: [t.jobId], foreignColumns: [jobs.jobId] })
          .onDelete('cascade')
          .onUpdate('restrict'),
      ],
    );

  const inputData = table(
    'InputData',
    {
      jobId: int('JobID').notNull(),
      lfn: varchar('LFN', { length: 255 })
        .notNull()
        .$defaultFn(() => ''),
      status: varchar('Status', { length: 32 })
        .notNull()
        .$defaultFn(() => 'AprioriGood'),
    },
    (t) => [
      primaryKey({ columns: [t.jobId, t.lfn] }),
      foreignKey({ name: 'InputData_ibfk_1', columns: [t.jobId], foreignColumns: [jobs.jobId] })
        .onDelete('cascade')
        .onUpdate('restrict'),
    ],
  );

  const jobParameters = nameValue('JobParameters');
  const optimizerParameters = nameValue('OptimizerParameters');

  const atticJobParameters = table(
    'AtticJobParameters',
    {
      jobId: int('JobID').notNull(),
      name: varchar('Name', { length: 100 }).notNull(),
      value: text('Value').notNull(),
      rescheduleCycle: int('RescheduleCycle').notNull(),
    },
    (t) => [
      primaryKey({ columns: [t.jobId, t.name] }),
      foreignKey({ name: 'AtticJobParameters_ibfk_1', columns: [t.jobId], foreignColumns: [jobs.jobId] })
        .onDelete('cascade')
        .onUpdate('restrict'),
    ],
  );

  /** Numeric heartbeat samples (`LoadAverage`, `MemoryUsed`, ...) per job and time. */
  const heartBeatLoggingInfo = table(
    'HeartBeatLoggingInfo',
    {
      jobId: int('JobID').notNull(),
      name: varchar('Name', { length: 100 }).notNull(),
      value: text('Value').notNull(),
      heartBeatTime: utcDatetime('HeartBeatTime').notNull(),
    },
    (t) => [
      primaryKey({ columns: [t.jobId, t.name, t.heartBeatTime] }),
      foreignKey({ name: 'HeartBeatLoggingInfo_ibfk_1', columns: [t.jobId], foreignColumns: [jobs.jobId] })
        .onDelete('cascade')
        .onUpdate('restrict'),
    ],
  );

  /** One-shot commands for a job's pilot (e.g. `Kill`), `Received` until delivered, then `Sent`. */
  const jobCommands = table(
    'JobCommands',
    {
      jobId: int('JobID').notNull(),
      command: varchar('Command', { length: 100 }).notNull(),
      arguments: varchar('Arguments', { length: 100 }).notNull(),
      status: varchar('Status', { length: 64 })
        .notNull()
        .$defaultFn(() => 'Received'),
      receptionTime: utcDatetime('ReceptionTime').notNull(),
      executionTime: utcDatetime('ExecutionTime'),
    },
    (t) => [
      primaryKey({ columns: [t.jobId, t.receptionTime] }),
      foreignKey({ name: 'JobCommands_ibfk_1', columns: [t.jobId], foreignColumns: [jobs.jobId] })
        .onDelete('cascade')
        .onUpdate('restrict'),
    ],
  );

  return {
    jobJdls,
    jobs,
    inputData,
    jobParameters,
    optimizerParameters,
    atticJobParameters,
    heartBeatLoggingInfo,
    jobCommands,
  };
}
