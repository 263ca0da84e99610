/**
 * @module db/mysql/schema/pilot-agents-db
 * DiracX 0.7.0's PilotAgentsDB on MySQL/MariaDB (`diracx/db/sql/pilots/schema.py`): pilots, the
 * jobs each ran, and their output. `PilotOutput.PilotID` is AUTO_INCREMENT as SQLAlchemy makes a
 * lone integer primary key.
 */
import { double, index, int, primaryKey, text, varchar } from 'drizzle-orm/mysql-core';
import { enumBackedBool, type TableFn, utcDatetime } from './columns.ts';

export function pilotAgentsDbTables(table: TableFn) {
  const pilotAgents = table(
    'PilotAgents',
    {
      pilotId: int('PilotID').autoincrement().primaryKey(),
      initialJobId: int('InitialJobID')
        .notNull()
        .$defaultFn(() => 0),
      currentJobId: int('CurrentJobID')
        .notNull()
        .$defaultFn(() => 0),
      pilotJobReference: varchar('PilotJobReference', { length: 255 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      pilotStamp: varchar('PilotStamp', { length: 32 })
        .notNull()
        .$defaultFn(() => ''),
      destinationSite: varchar('DestinationSite', { length: 128 })
        .notNull()
        .$defaultFn(() => 'NotAssigned'),
      queue: varchar('Queue', { length: 128 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      gridSite: varchar('GridSite', { length: 128 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      vo: varchar('VO', { length: 128 }).notNull(),
      gridType: varchar('GridType', { length: 32 })
        .notNull()
        .$defaultFn(() => 'LCG'),
      benchMark: double('BenchMark')
        .notNull()
        .$defaultFn(() => 0),
      submissionTime: utcDatetime('SubmissionTime'),
      lastUpdateTime: utcDatetime('LastUpdateTime'),
      status: varchar('Status', { length: 32 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      statusReason: varchar('StatusReason', { length: 255 })
        .notNull()
        .$defaultFn(() => 'Unknown'),
      accountingSent: enumBackedBool('AccountingSent')
        .notNull()
        .$defaultFn(() => 'False'),
    },
    (t) => [
      index('PilotJobReference').on(t.pilotJobReference),
      index('Status').on(t.status),
      index('Statuskey').on(t.gridSite, t.destinationSite, t.status),
      index('idx_dest_queue_status').on(t.destinationSite, t.queue, t.status),
    ],
  );

  const jobToPilotMapping = table(
    'JobToPilotMapping',
    {
      pilotId: int('PilotID').notNull(),
      jobId: int('JobID').notNull(),
      startTime: utcDatetime('StartTime').notNull(),
    },
    (t) => [primaryKey({ columns: [t.pilotId, t.jobId] }), index('JobID').on(t.jobId), index('PilotID').on(t.pilotId)],
  );

  const pilotOutput = table('PilotOutput', {
    pilotId: int('PilotID').autoincrement().primaryKey(),
    stdOutput: text('StdOutput').notNull(),
    stdError: text('StdError').notNull(),
  });

  return { pilotAgents, jobToPilotMapping, pilotOutput };
}
