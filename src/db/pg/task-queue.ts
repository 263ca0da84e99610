/**
 * @module db/pg/task-queue
 * Atomic queries on the TaskQueueDB tables the job status logic touches (DiracX's
 * `TaskQueueDB.remove_jobs`, `is_task_queue_empty`, `delete_task_queue`). Inserting jobs into
 * queues and computing shares is the matcher's business, not this module's.
 */
import { and, eq, inArray, notExists, sql } from 'drizzle-orm';
import type { Db, Tx } from '../database.ts';
import { taskQueueJobs, taskQueues } from '../schema/task-queue.ts';

type Handle = Db | Tx;

export interface RemovedFromTaskQueues {
  /** Queues the jobs were removed from. */
  touched: number[];
  /** Those of them deleted because they became empty (enabled queues only). */
  deleted: { tqId: number; owner: string; ownerGroup: string; vo: string }[];
}

/**
 * Removes the jobs from every task queue, then deletes the queues this emptied. Only enabled
 * queues are deleted, as DIRAC does: a disabled queue is still being filled by the optimizer.
 * (DiracX reads the queues of the jobs after deleting their rows and so never finds any: it
 * never deletes an emptied queue. We look them up first.)
 */
export async function removeJobsFromTaskQueues(db: Handle, jobIds: readonly number[]): Promise<RemovedFromTaskQueues> {
  if (jobIds.length === 0) return { touched: [], deleted: [] };
  const removed = await db
    .delete(taskQueueJobs)
    .where(inArray(taskQueueJobs.jobId, [...new Set(jobIds)]))
    .returning({ tqId: taskQueueJobs.tqId });
  const touched = [...new Set(removed.map((r) => r.tqId))].sort((a, b) => a - b);
  if (touched.length === 0) return { touched, deleted: [] };
  // A separate statement: within one statement, a data-modifying CTE's deletions are invisible.
  const deleted = await db
    .delete(taskQueues)
    .where(
      and(
        inArray(taskQueues.tqId, touched),
        eq(taskQueues.enabled, true),
        notExists(db.select({ one: sql`1` }).from(taskQueueJobs).where(eq(taskQueueJobs.tqId, taskQueues.tqId))),
      ),
    )
    .returning({
      tqId: taskQueues.tqId,
      owner: taskQueues.owner,
      ownerGroup: taskQueues.ownerGroup,
      vo: taskQueues.vo,
    });
  return { touched, deleted };
}
