/**
 * @module logic/jobs/remove
 * DiracX's `remove_jobs` (`logic/jobs/status.py`): the physical removal of jobs from the WMS
 * databases, as the job cleaning agent does it (no route exposes it). It takes the jobs out of
 * the task queues, deletes their status history, and deletes their `JobJDLs` rows, which
 * cascades to `Jobs`, `InputData`, `JobCommands`, `HeartBeatLoggingInfo` and the parameters
 * documents. Unknown ids are ignored. One transaction; no HTTP here.
 */
import { deleteLoggingRecords } from '../../db/job-logging.ts';
import { deleteJobs } from '../../db/job-status.ts';
import { unassignSandboxesOfJobs } from '../sandboxes/assign.ts';
import { removeFromTaskQueues, type JobsContext } from './set-status.ts';

export interface RemoveJobsResult {
  /** The ids that named a job and are now gone, ascending. */
  removed: number[];
}

/** Removes the jobs and everything recorded about them. */
export async function removeJobs(ctx: JobsContext, jobIds: readonly number[]): Promise<RemoveJobsResult> {
  const ids = [...new Set(jobIds)];
  if (ids.length === 0) return { removed: [] };
  return ctx.database.transaction(async (tx) => {
    // Unassign the jobs' sandboxes first, as DiracX does (`unassign_sandboxes_to_jobs`); the
    // sandbox cleaner deletes the ones no job references any more.
    // (DiracX also leaves the StorageManager's staging tasks for later: a TODO upstream.)
    await unassignSandboxesOfJobs(tx, ids);
    await removeFromTaskQueues(tx, ids);
    // LoggingInfo has no foreign key to Jobs (it is a separate database in DiracX).
    await deleteLoggingRecords(tx, ids);
    return { removed: await deleteJobs(tx, ids) };
  });
}
