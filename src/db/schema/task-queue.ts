/**
 * @module db/schema/task-queue
 * The part of DiracX's TaskQueueDB (`diracx-db/.../task_queue/schema.py`) the job status logic
 * touches: task queues and the jobs queued in them. Killing or deleting a job removes it from
 * its queue; an emptied queue is removed. (Queue insertion is the matcher's business.)
 */
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  varchar,
} from 'drizzle-orm/pg-core';

export const taskQueues = pgTable(
  'tq_TaskQueues',
  {
    tqId: serial('TQId').primaryKey(),
    owner: varchar('Owner', { length: 255 }).notNull(),
    ownerGroup: varchar('OwnerGroup', { length: 32 }).notNull(),
    vo: varchar('VO', { length: 32 }).notNull(),
    cpuTime: bigint('CPUTime', { mode: 'number' }).notNull(),
    priority: doublePrecision('Priority').notNull(),
    enabled: boolean('Enabled').notNull().default(false),
  },
  (t) => [index('tq_TaskQueues_TQOwner').on(t.owner, t.ownerGroup, t.cpuTime)],
);

export const taskQueueJobs = pgTable(
  'tq_Jobs',
  {
    tqId: integer('TQId')
      .notNull()
      .references(() => taskQueues.tqId, { onDelete: 'cascade' }),
    jobId: integer('JobId').notNull(),
    priority: integer('Priority').notNull(),
    realPriority: doublePrecision('RealPriority').notNull(),
  },
  (t) => [primaryKey({ name: 'tq_Jobs_pk', columns: [t.tqId, t.jobId] }), index('tq_Jobs_JobId').on(t.jobId)],
);
