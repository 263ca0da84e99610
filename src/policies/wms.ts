/**
 * @module policies/wms
 * The WMS access policy (DiracX's `WMSAccessPolicy`, `routers/jobs/access_policies.py`), with
 * one rule added: nobody acts on jobs of another VO.
 *
 * - `pilot` is treated as `manage` (DiracX: until pilots have their own credentials).
 * - `force_status` (set a status past the job state machine, `force=true`): requires
 *   `JobAdministrator`, then is `manage` (so their own VO's jobs only); nobody else, owners and
 *   pilots included, may force (DiracX 0.7.0's `ActionType.FORCE_STATUS`).
 * - `create`: requires `NormalUser` (a pure `JobAdministrator` cannot submit).
 * - `GenericPilot` may `manage`, and `JobAdministrator` may do anything but create, on jobs of
 *   their own VO (DiracX: on any job).
 * - Everyone else needs `NormalUser`; `query` is then allowed (the logic scopes the query to the
 *   caller's VO, and to the caller's jobs unless the VO's `GlobalJobsInfo` allows more);
 * - `read`/`manage` need every job id to exist and belong to the caller (same owner and VO), or,
 *   for a privileged caller (JobAdministrator; GenericPilot managing), to exist in their VO.
 * - `unknownJobs: 'not_found'` (the status update, DiracX's 404 `{success, failed}`): a privileged
 *   caller is let through whatever the ids, and the logic, which looks jobs up in the caller's VO
 *   only, reports the ids that are not jobs of that VO as not found. A job of another VO and an id
 *   that names no job are then answered alike; a NormalUser still gets 403 for either (as in
 *   DiracX, whose ownership check fails on a missing job). See docs/compatibility.md.
 * A denial is always 403 without saying which job failed, so it leaks neither existence nor
 * ownership.
 */
import { GENERIC_PILOT, JOB_ADMINISTRATOR, NORMAL_USER } from '../config/properties.ts';
import { ownersOfJobs } from '../db/jobs.ts';
import { ForbiddenError } from '../core/errors.ts';
import { hasProperty } from '../core/user.ts';
import type { AccessPolicy, PolicyContext } from './base.ts';

/** DiracX's `ActionType` values. */
export type WmsAction = 'create' | 'read' | 'manage' | 'query' | 'pilot' | 'force_status';

export interface WmsAccessArgs {
  action: WmsAction;
  /** The jobs acted on; required for read/manage/pilot/force_status, absent for create/query. */
  jobIds?: readonly number[];
  /**
   * What a privileged caller's ids that are not jobs of their VO get: `forbidden` (default) is
   * 403; `not_found` lets the call through for the logic, scoped to the caller's VO, to report
   * them as not found. NormalUsers get 403 either way.
   */
  unknownJobs?: 'forbidden' | 'not_found';
}

const DENIED = 'Forbidden';

/** Every id exists and is in the caller's VO (and, for `owner`, belongs to them). */
async function jobsBelong(ctx: PolicyContext, jobIds: readonly number[], owner: string | undefined): Promise<boolean> {
  const unique = new Set(jobIds);
  if (unique.size === 0) return false;
  const owners = await ownersOfJobs(ctx.database.session, [...unique]);
  const matching = owners.filter((o) => o.vo === ctx.user.vo && (owner === undefined || o.owner === owner));
  return owners.length === matching.length && matching.reduce((n, o) => n + o.count, 0) === unique.size;
}

export const wmsPolicy: AccessPolicy<WmsAccessArgs> = {
  id: 'wms',
  async check(ctx, args) {
    const { user } = ctx;
    if (args.action === 'force_status' && !hasProperty(user, JOB_ADMINISTRATOR)) throw new ForbiddenError(DENIED);
    const action = args.action === 'pilot' || args.action === 'force_status' ? 'manage' : args.action;
    if (action === 'create') {
      if (!hasProperty(user, NORMAL_USER)) throw new ForbiddenError(DENIED);
      return;
    }
    const privileged =
      hasProperty(user, JOB_ADMINISTRATOR) || (hasProperty(user, GENERIC_PILOT) && action === 'manage');
    if (!privileged && !hasProperty(user, NORMAL_USER)) throw new ForbiddenError(DENIED);
    if (action === 'query') return;
    if (!args.jobIds) throw new TypeError(`wms policy: ${action} needs job ids`);
    if (privileged && args.unknownJobs === 'not_found') return;
    if (!(await jobsBelong(ctx, args.jobIds, privileged ? undefined : user.preferredUsername)))
      throw new ForbiddenError(DENIED);
  },
};
