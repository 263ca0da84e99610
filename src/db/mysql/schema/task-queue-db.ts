/**
 * @module db/mysql/schema/task-queue-db
 * DiracX 0.7.0's TaskQueueDB on MySQL/MariaDB (`diracx/db/sql/task_queue/schema.py`): task
 * queues, their jobs, and the `tq_TQTo*` value tables (sites, banned sites, CEs, platforms, job
 * types, tags) that a queue's requirements match on.
 */
import { bigint, boolean, double, foreignKey, index, int, primaryKey, varchar } from 'drizzle-orm/mysql-core';
import type { TableFn } from './columns.ts';

export function taskQueueDbTables(table: TableFn) {
  const taskQueues = table(
    'tq_TaskQueues',
    {
      tqId: int('TQId').autoincrement().primaryKey(),
      owner: varchar('Owner', { length: 255 }).notNull(),
      ownerGroup: varchar('OwnerGroup', { length: 32 }).notNull(),
      vo: varchar('VO', { length: 32 }).notNull(),
      cpuTime: bigint('CPUTime', { mode: 'number' }).notNull(),
      priority: double('Priority').notNull(),
      enabled: boolean('Enabled')
        .notNull()
        .$defaultFn(() => false),
    },
    (t) => [index('TQOwner').on(t.owner, t.ownerGroup, t.cpuTime)],
  );

  const taskQueueJobs = table(
    'tq_Jobs',
    {
      tqId: int('TQId').notNull(),
      jobId: int('JobId').notNull(),
      priority: int('Priority').notNull(),
      realPriority: double('RealPriority').notNull(),
    },
    (t) => [
      primaryKey({ columns: [t.tqId, t.jobId] }),
      foreignKey({ name: 'tq_Jobs_ibfk_1', columns: [t.tqId], foreignColumns: [taskQueues.tqId] })
        .onDelete('cascade')
        .onUpdate('restrict'),
      index('TaskIndex').on(t.tqId),
    ],
  );

  /** A `tq_TQTo<What>` table: the values of one requirement of a task queue. */
  const valueTable = <N extends string>(name: N, taskIndex: string, valueIndex: string) =>
    table(
      name,
      {
        tqId: int('TQId').notNull(),
        value: varchar('Value', { length: 64 }).notNull(),
      },
      (t) => [
        primaryKey({ columns: [t.tqId, t.value] }),
        foreignKey({ name: `${name}_ibfk_1`, columns: [t.tqId], foreignColumns: [taskQueues.tqId] })
          .onDelete('cascade')
          .onUpdate('restrict'),
        index(taskIndex).on(t.tqId),
        index(valueIndex).on(t.value),
      ],
    );

  return {
    taskQueues,
    taskQueueJobs,
    tqToSites: valueTable('tq_TQToSites', 'SitesTaskIndex', 'SitesIndex'),
    tqToGridCes: valueTable('tq_TQToGridCEs', 'GridCEsTaskIndex', 'GridCEsValueIndex'),
    tqToBannedSites: valueTable('tq_TQToBannedSites', 'BannedSitesTaskIndex', 'BannedSitesValueIndex'),
    tqToPlatforms: valueTable('tq_TQToPlatforms', 'PlatformsTaskIndex', 'PlatformsValueIndex'),
    tqToJobTypes: valueTable('tq_TQToJobTypes', 'JobTypesTaskIndex', 'JobTypesValueIndex'),
    tqToTags: valueTable('tq_TQToTags', 'TagsTaskIndex', 'TagsValueIndex'),
  };
}
