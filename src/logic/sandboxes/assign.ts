/**
 * @module logic/sandboxes/assign
 * Which sandboxes belong to which jobs (DiracX's `assign_sandbox_to_job`,
 * `get_job_sandbox(es)`, `unassign_jobs_sandboxes`): a mapping `Job:<id>` → sandbox with a
 * type (`Input`/`Output`), and the sandbox's `Assigned` flag, which keeps the cleaner away.
 * Assigning locks the sandbox row, so a clean-up running at the same time either deletes it
 * first (then: "Sandbox not found") or waits. Access is checked by the routes' policies.
 */
import type { Database } from '../../db/database.ts';
import type { Session } from '../../db/session.ts';
import {
  assignSandboxes,
  jobEntityId,
  lockSandboxes,
  sandboxesOf,
  unassignEntities,
  type SandboxType,
} from '../../db/sandboxes.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { JobSandboxes, SandboxStoreSettings } from './models.ts';
import { shortPfn } from './pfn.ts';

export interface AssignContext {
  database: Database;
  settings: SandboxStoreSettings;
  /** The VO whose sandboxes may be assigned (the caller's): any other's is "not found". */
  vo: string;
}

/** DiracX's details for `PATCH /api/jobs/{job_id}/sandbox/output` (both 400). */
export const SANDBOX_NOT_FOUND = 'Sandbox not found';
export const SANDBOX_ALREADY_ASSIGNED = 'Sandbox already assigned';

/**
 * Maps the sandbox (full or short PFN) of `ctx.vo` as an output sandbox of the job.
 * @throws InvalidInputError "Sandbox not found" (also for another VO's) / "Sandbox already assigned".
 */
export async function assignOutputSandbox(ctx: AssignContext, jobId: number, pfn: string): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const [sandbox] = await lockSandboxes(tx, ctx.settings.seName, [shortPfn(pfn)], ctx.vo);
    if (!sandbox) throw new InvalidInputError(SANDBOX_NOT_FOUND);
    const added = await assignSandboxes(tx, [{ sbId: sandbox.sbId, entityId: jobEntityId(jobId), type: 'Output' }]);
    if (added === 0) throw new InvalidInputError(SANDBOX_ALREADY_ASSIGNED);
  });
}

/**
 * The job's input and output sandboxes: every PFN of each type, by SBId, `[]` when there is none
 * (DiracX 0.7.0; earlier DiracX answered the first one only, `[null]` when there was none).
 */
export async function getJobSandboxes(database: Database, jobId: number): Promise<JobSandboxes> {
  const entity = jobEntityId(jobId);
  const [input, output] = await Promise.all([
    sandboxesOf(database.session, entity, 'Input'),
    sandboxesOf(database.session, entity, 'Output'),
  ]);
  return { Input: input, Output: output };
}

/** The job's sandboxes of one type, by SBId; `[]` when there is none (DiracX's shape). */
export async function getJobSandbox(database: Database, jobId: number, type: 'input' | 'output'): Promise<string[]> {
  const sbType: SandboxType = type === 'input' ? 'Input' : 'Output';
  return sandboxesOf(database.session, jobEntityId(jobId), sbType);
}

/** Removes every sandbox mapping of the jobs (their own transaction). */
export async function unassignJobsSandboxes(database: Database, jobIds: readonly number[]): Promise<void> {
  await database.transaction((tx) => unassignSandboxesOfJobs(tx, jobIds));
}

/**
 * Removes every sandbox mapping of the jobs inside the caller's transaction (job removal);
 * sandboxes no job references any more become unassigned, for the cleaner.
 */
export async function unassignSandboxesOfJobs(tx: Session, jobIds: readonly number[]): Promise<void> {
  await unassignEntities(tx, jobIds.map(jobEntityId));
}
