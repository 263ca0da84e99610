/**
 * @module db/mysql/task-queue
 * DiracX's TaskQueueDB on MySQL/MariaDB (`diracx/db/sql/task_queue/db.py`): removing jobs from
 * their task queues, and deleting the enabled queues that this leaves empty, as DiracX's
 * `remove_jobs`/`delete_task_queue_if_empty` do; the queues' other `tq_TQTo*` rows go with them
 * (DiracX's foreign keys cascade). The same function as `../task-queue.ts` over the qualified
 * tables; the caller owns the transaction.
 */
import { and, eq, inArray, notExists, sql } from 'drizzle-orm';
import type { RemovedFromTaskQueues } from '../task-queue.ts';
import type { MysqlDb, MysqlTables, MysqlTx } from './database.ts';

type Handle = MysqlDb | MysqlTx;
type Tables = Pick<MysqlTables, 'taskQueues' | 'taskQueueJobs'>;

export async function removeJobsFromTaskQueues(
  db: Handle,
  t: Tables,
  jobIds: readonly number[],
): Promise<RemovedFromTaskQueues> {
  if (jobIds.length === 0) return { touched: [], deleted: [] };
  const jobs = inArray(t.taskQueueJobs.jobId, [...new Set(jobIds)]);
  const queued = await db.select({ tqId: t.taskQueueJobs.tqId }).from(t.taskQueueJobs).where(jobs).for('update');
  const touched = [...new Set(queued.map((r) => r.tqId))].sort((a, b) => a - b);
  if (touched.length === 0) return { touched, deleted: [] };
  await db.delete(t.taskQueueJobs).where(jobs);
  const empty = and(
    inArray(t.taskQueues.tqId, touched),
    eq(t.taskQueues.enabled, true),
    notExists(db.select({ one: sql`1` }).from(t.taskQueueJobs).where(eq(t.taskQueueJobs.tqId, t.taskQueues.tqId))),
  );
  const deleted = await db
    .select({
      tqId: t.taskQueues.tqId,
      owner: t.taskQueues.owner,
      ownerGroup: t.taskQueues.ownerGroup,
      vo: t.taskQueues.vo,
    })
    .from(t.taskQueues)
    .where(empty)
    .orderBy(t.taskQueues.tqId)
    .for('update');
  if (deleted.length > 0) {
    await db.delete(t.taskQueues).where(
      inArray(
        t.taskQueues.tqId,
        deleted.map((q) => q.tqId),
      ),
    );
  }
  return { touched, deleted };
}
