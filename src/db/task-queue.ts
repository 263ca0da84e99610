/**
 * @module db/task-queue
 * Removing jobs from task queues (DiracX's TaskQueueDB), on whichever dialect the session is: each
 * function hands the session to `./pg/task-queue.ts` or its MySQL/MariaDB counterpart in
 * `./mysql/`.
 */
import type { RemovedFromTaskQueues } from './pg/task-queue.ts';
import type { Session } from './session.ts';
import * as pg from './pg/task-queue.ts';
import * as mysqlTaskQueue from './mysql/task-queue.ts';
export type { RemovedFromTaskQueues } from './pg/task-queue.ts';

/**
 * Removes the jobs from every task queue, then deletes the queues this emptied. Only enabled
 * queues are deleted, as DIRAC does: a disabled queue is still being filled by the optimizer.
 * (DiracX reads the queues of the jobs after deleting their rows and so never finds any: it
 * never deletes an emptied queue. We look them up first.)
 */
export function removeJobsFromTaskQueues(s: Session, jobIds: readonly number[]): Promise<RemovedFromTaskQueues> {
  return s.dialect === 'mysql'
    ? mysqlTaskQueue.removeJobsFromTaskQueues(s.db, s.tables, jobIds)
    : pg.removeJobsFromTaskQueues(s.db, jobIds);
}
