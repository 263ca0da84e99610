/**
 * @module policies/sandbox
 * The sandbox access policy (DiracX's `SandboxAccessPolicy`, `routers/jobs/access_policies.py`),
 * with pilots added and administrators kept to their VO, as in the WMS policy:
 *
 * - `create` (upload): needs `NormalUser` or, for the output sandboxes of the jobs it runs,
 *   `GenericPilot` (DiracX: `NormalUser` only; its pilots act through the WMS policy).
 * - `JobAdministrator` may read and assign any sandbox of its own VO (DiracX: any sandbox).
 * - Everyone else needs `NormalUser` or `GenericPilot`; for each PFN acted on, the PFN must
 *   start with the caller's `/S3/<bucket>/<vo>/<group>/<user>/` (403 "Invalid PFN. PFN must
 *   start with ...") and the sandbox's owner must be the caller (403 "<user> is not the owner
 *   of the sandbox"), both DiracX's rules and messages. (To `manage` an unregistered PFN of
 *   one's own namespace is left to the logic, which answers DiracX's "Sandbox not found".)
 * - Added: a `NormalUser` may `read` a sandbox of another owner when it is assigned to one of
 *   the caller's jobs (same owner and VO), e.g. the output sandbox a pilot uploaded for it.
 *   Only a sandbox's owner (or an administrator of its VO) can assign it, so this grants no
 *   access the sandbox's owner did not give.
 */
import { GENERIC_PILOT, JOB_ADMINISTRATOR, NORMAL_USER } from '../config/properties.ts';
import { getOwnerId, getSandbox, isMappedToJobOf } from '../db/sandboxes.ts';
import { hasProperty } from '../logic/auth/user.ts';
import { ForbiddenError } from '../logic/errors.ts';
import { userPrefix } from '../logic/sandboxes/pfn.ts';
import type { AccessPolicy, PolicyContext } from './base.ts';

/** The DiracX `ActionType` values the sandbox routes use. */
export type SandboxAction = 'create' | 'read' | 'manage';

export interface SandboxAccessArgs {
  action: SandboxAction;
  /** Short PFNs (`/S3/...`) acted on; required for read/manage. */
  pfns?: readonly string[];
  /** The store the PFNs live in; required with `pfns`. */
  store?: { bucketName: string; seName: string };
}

const DENIED = 'Forbidden';

/** Throws unless the caller may act on `pfn` (it is not an administrator). */
async function checkOwnership(ctx: PolicyContext, action: SandboxAction, pfn: string, store: { bucketName: string; seName: string }): Promise<void> {
  const { user, database } = ctx;
  const sandbox = await getSandbox(database.db, store.seName, pfn);
  const prefix = userPrefix(store.bucketName, user);
  if (!pfn.startsWith(prefix)) {
    const viaJob = action === 'read' && sandbox !== undefined && hasProperty(user, NORMAL_USER);
    if (viaJob && (await isMappedToJobOf(database.db, sandbox.sbId, user.preferredUsername, user.vo))) return;
    throw new ForbiddenError(`Invalid PFN. PFN must start with ${prefix}`);
  }
  // Assigning an unknown sandbox of one's own namespace is DiracX's 400 "Sandbox not found".
  if (sandbox === undefined && action === 'manage') return;
  const ownerId = await getOwnerId(database.db, { owner: user.preferredUsername, ownerGroup: user.diracGroup, vo: user.vo });
  if (ownerId === undefined || sandbox?.ownerId !== ownerId) {
    throw new ForbiddenError(`${user.preferredUsername} is not the owner of the sandbox`);
  }
}

export const sandboxPolicy: AccessPolicy<SandboxAccessArgs> = {
  id: 'sandbox',
  async check(ctx, args) {
    const { user } = ctx;
    const actsAsUser = hasProperty(user, NORMAL_USER) || hasProperty(user, GENERIC_PILOT);
    if (args.action === 'create') {
      if (!actsAsUser) throw new ForbiddenError(DENIED);
      return;
    }
    const admin = hasProperty(user, JOB_ADMINISTRATOR);
    if (!admin && !actsAsUser) throw new ForbiddenError(DENIED);
    if (!args.pfns || args.pfns.length === 0) return;
    const store = args.store;
    if (!store) throw new TypeError('sandbox policy: pfns need the store they live in');
    for (const pfn of args.pfns) {
      if (admin) {
        const sandbox = await getSandbox(ctx.database.db, store.seName, pfn);
        if (sandbox && sandbox.vo !== user.vo) throw new ForbiddenError(DENIED);
        continue;
      }
      await checkOwnership(ctx, args.action, pfn, store);
    }
  },
};
