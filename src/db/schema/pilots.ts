/**
 * @module db/schema/pilots
 * DiracX's PilotAgentsDB (`diracx-db/.../pilots/schema.py`): pilots, which jobs they ran, and
 * their output. Beyond DiracX, `PilotStamp` is unique (registration refuses duplicates) and
 * indexed, since every pilot route looks pilots up by stamp.
 */
import {
  boolean,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

const utcTimestamp = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const pilotAgents = pgTable(
  'PilotAgents',
  {
    pilotId: serial('PilotID').primaryKey(),
    initialJobId: integer('InitialJobID').notNull().default(0),
    currentJobId: integer('CurrentJobID').notNull().default(0),
    pilotJobReference: varchar('PilotJobReference', { length: 255 }).notNull().default('Unknown'),
    pilotStamp: varchar('PilotStamp', { length: 32 }).notNull().default(''),
    destinationSite: varchar('DestinationSite', { length: 128 }).notNull().default('NotAssigned'),
    queue: varchar('Queue', { length: 128 }).notNull().default('Unknown'),
    gridSite: varchar('GridSite', { length: 128 }).notNull().default('Unknown'),
    vo: varchar('VO', { length: 128 }).notNull(),
    gridType: varchar('GridType', { length: 32 }).notNull().default('LCG'),
    benchMark: doublePrecision('BenchMark').notNull().default(0),
    submissionTime: utcTimestamp('SubmissionTime'),
    lastUpdateTime: utcTimestamp('LastUpdateTime'),
    status: varchar('Status', { length: 32 }).notNull().default('Unknown'),
    statusReason: varchar('StatusReason', { length: 255 }).notNull().default('Unknown'),
    accountingSent: boolean('AccountingSent').notNull().default(false),
  },
  (t) => [
    index('PilotAgents_PilotJobReference').on(t.pilotJobReference),
    index('PilotAgents_Status').on(t.status),
    index('PilotAgents_Statuskey').on(t.gridSite, t.destinationSite, t.status),
    index('PilotAgents_idx_dest_queue_status').on(t.destinationSite, t.queue, t.status),
    uniqueIndex('PilotAgents_PilotStamp').on(t.pilotStamp),
    index('PilotAgents_VO').on(t.vo),
  ],
);

export const jobToPilotMapping = pgTable(
  'JobToPilotMapping',
  {
    pilotId: integer('PilotID').notNull(),
    jobId: integer('JobID').notNull(),
    startTime: utcTimestamp('StartTime').notNull(),
  },
  (t) => [
    primaryKey({ name: 'JobToPilotMapping_pk', columns: [t.pilotId, t.jobId] }),
    index('JobToPilotMapping_JobID').on(t.jobId),
  ],
);

export const pilotOutput = pgTable('PilotOutput', {
  pilotId: integer('PilotID').primaryKey(),
  stdOutput: text('StdOutput').notNull().default(''),
  stdError: text('StdError').notNull().default(''),
});
