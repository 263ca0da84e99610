/**
 * @module policies/sandbox
 * The sandbox access policy (DiracX's `SandboxAccessPolicy`, `routers/jobs/access_policies.py`),
 * with pilots added, administrators kept to their VO, and existence hidden across VOs:
 *
 * - `create` (upload): needs `NormalUser`, as in DiracX (a pilot is refused with 403).
 * - A `GenericPilot` may `manage` (assign as a job's output sandbox, DiracX's job-wrapper flow)
 *   any sandbox of its VO; the job must be one it may manage (the WMS policy, checked first by
 *   the route). DiracX lets it assign any sandbox, the WMS check being the only one; here a
 *   sandbox of another VO is missing to it like any other caller (400 "Sandbox not found").
 * - A sandbox of another VO does not exist for the caller: it is treated as missing here, and
 *   the logic, which looks sandboxes up in the caller's VO only, answers as for a missing one,
 *   so no refusal tells that it exists (DiracX lets a JobAdministrator read any sandbox).
 * - `JobAdministrator` may read and assign sandboxes of its own VO (an unknown one is left to
 *   the logic's "not found").
 * - Everyone else needs `NormalUser` or `GenericPilot`; for each PFN acted on, the PFN must
 *   start with the caller's `/S3/<bucket>/<vo>/<group>/<user>/` (403 "Invalid PFN. PFN must
 *   start with ...") and the sandbox's owner must be the caller (403 "<user> is not the owner
 *   of the sandbox"), both DiracX's rules and messages. (To `manage` an unregistered PFN of
 *   one's own namespace is left to the logic, which answers DiracX's "Sandbox not found".)
 * - Added: a `NormalUser` may `read` a sandbox of another owner when it is assigned to one of
 *   the caller's jobs (same owner and VO), e.g. the output sandbox a pilot assigned to it.
 *   Only a sandbox's owner, an administrator of its VO or a pilot of its VO (trusted with every
 *   job of that VO) can assign it, so this grants no access beyond what those gave.
 * - A sandbox assigned to jobs is job data: whoever acts on it without owning it (an
 *   administrator, or a user through their job) also needs the WMS policy *in force*
 *   (`ctx.policies`, so an extension's override of `wms` counts) to allow `read` of those
 *   jobs: all of them for an administrator, the caller's own for a user.
 */
import { GENERIC_PILOT, JOB_ADMINISTRATOR, NORMAL_USER } from '../config/properties.ts';
import { getOwnerId, getSandbox, jobsOfSandbox, type SandboxRow } from '../db/sandboxes.ts';
import { hasProperty } from '../core/user.ts';
import { ForbiddenError } from '../core/errors.ts';
import { userPrefix } from '../logic/sandboxes/pfn.ts';
import type { AccessPolicy, PolicyContext } from './base.ts';
import { wmsPolicy } from './wms.ts';

/** The DiracX `ActionType` values the sandbox routes use. */
export type SandboxAction = 'create' | 'read' | 'manage';

export interface SandboxAccessArgs {
  action: SandboxAction;
  /** Short PFNs (`/S3/...`) acted on; required for read/manage. */
  pfns?: readonly string[];
  /** The store the PFNs live in; required with `pfns`. */
  store?: { bucketName: string; seName: string };
}

type Store = { bucketName: string; seName: string };

const DENIED = 'Forbidden';

/** Throws unless the WMS policy in force lets the caller read every job of `jobIds`. */
async function checkJobsReadable(ctx: PolicyContext, jobIds: readonly number[]): Promise<void> {
  if (jobIds.length === 0) return;
  await ctx.policies.resolve(wmsPolicy).check(ctx, { action: 'read', jobIds });
}

const ownedBy = (sandbox: SandboxRow, ctx: PolicyContext): boolean =>
  sandbox.owner === ctx.user.preferredUsername &&
  sandbox.ownerGroup === ctx.user.diracGroup &&
  sandbox.vo === ctx.user.vo;

/** Throws unless the caller, who is not an administrator, may act on `pfn`. */
async function checkOwnership(
  ctx: PolicyContext,
  action: SandboxAction,
  pfn: string,
  store: Store,
  sandbox: SandboxRow | undefined,
): Promise<void> {
  const { user, database } = ctx;
  const prefix = userPrefix(store.bucketName, user);
  if (!pfn.startsWith(prefix)) {
    if (action === 'read' && sandbox !== undefined && hasProperty(user, NORMAL_USER)) {
      const ownJobs = await jobsOfSandbox(database.session, sandbox.sbId, {
        owner: user.preferredUsername,
        vo: user.vo,
      });
      if (ownJobs.length > 0) return checkJobsReadable(ctx, ownJobs);
    }
    throw new ForbiddenError(`Invalid PFN. PFN must start with ${prefix}`);
  }
  // Assigning an unknown sandbox of one's own namespace is DiracX's 400 "Sandbox not found".
  if (sandbox === undefined && action === 'manage') return;
  const ownerId = await getOwnerId(database.session, {
    owner: user.preferredUsername,
    ownerGroup: user.diracGroup,
    vo: user.vo,
  });
  if (ownerId === undefined || sandbox?.ownerId !== ownerId) {
    throw new ForbiddenError(`${user.preferredUsername} is not the owner of the sandbox`);
  }
}

export const sandboxPolicy: AccessPolicy<SandboxAccessArgs> = {
  id: 'sandbox',
  async check(ctx, args) {
    const { user } = ctx;
    if (args.action === 'create') {
      if (!hasProperty(user, NORMAL_USER)) throw new ForbiddenError(DENIED);
      return;
    }
    // Sandboxes are looked up in the caller's VO only, by this policy and by the logic alike.
    if (args.action === 'manage' && hasProperty(user, GENERIC_PILOT)) return;
    const actsAsUser = hasProperty(user, NORMAL_USER) || hasProperty(user, GENERIC_PILOT);
    const admin = hasProperty(user, JOB_ADMINISTRATOR);
    if (!admin && !actsAsUser) throw new ForbiddenError(DENIED);
    if (!args.pfns || args.pfns.length === 0) return;
    const store = args.store;
    if (!store) throw new TypeError('sandbox policy: pfns need the store they live in');
    for (const pfn of args.pfns) {
      const found = await getSandbox(ctx.database.session, store.seName, pfn);
      // Another VO's sandbox is a missing one, here and in the logic.
      const sandbox = found?.vo === user.vo ? found : undefined;
      if (!admin) await checkOwnership(ctx, args.action, pfn, store, sandbox);
      else if (sandbox && !ownedBy(sandbox, ctx))
        await checkJobsReadable(ctx, await jobsOfSandbox(ctx.database.session, sandbox.sbId));
    }
  },
};
