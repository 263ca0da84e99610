/**
 * @module policies/pilots
 * The pilot management policy (DiracX's `PilotManagementAccessPolicy`,
 * `routers/pilots/access_policies.py`, spec §3.3). Authorization is VO-scoped, not bound to a
 * pilot's own stamp (as DIRAC's `PilotManagerHandler`). Rules, in order:
 *
 * - `manage_pilots`: allowed for `ServiceAdministrator`, and for `GenericPilot` when the route
 *   opts in with `allowLegacyPilots` (both pilot write routes do: vacuum pilots register and
 *   update themselves); anyone else 403. A non-administrator may name at most one distinct
 *   stamp per call (bounds what a stolen pilot credential can do per request), and may only
 *   register into their own VO (`targetVo`).
 * - `read_pilot_metadata`: everyone except `GenericPilot` (403); the logic confines
 *   non-administrators to their own VO.
 * - When stamps are named: any unknown one is 404 "At least one pilot does not exist." (as
 *   DiracX). For a non-administrator a pilot of another VO is unknown too: the same 404, so a
 *   refusal never tells that a stamp exists elsewhere (DiracX answers 403 "Insufficient
 *   permissions to access all of the provided pilots." there).
 *
 * Registration of a stamp that exists is the logic's 409, whichever VO holds it: stamps are one
 * namespace (a unique index), so a taken stamp cannot be answered like a free one, but the
 * answer is the same for the caller's VO and any other and names no VO.
 */
import { GENERIC_PILOT, SERVICE_ADMINISTRATOR } from '../config/properties.ts';
import { getPilotsByStamp } from '../db/pilots.ts';
import { hasProperty } from '../core/user.ts';
import { ForbiddenError, NotFoundError } from '../core/errors.ts';
import type { AccessPolicy } from './base.ts';

/** DiracX's pilot `ActionType` values. */
export type PilotAction = 'manage_pilots' | 'read_pilot_metadata';

export interface PilotAccessArgs {
  action: PilotAction;
  /** The existing pilots acted on, by stamp. */
  pilotStamps?: readonly string[];
  /** The VO pilots are being registered into. */
  targetVo?: string;
  /** Lets `GenericPilot` identities manage pilots (DiracX's `allow_legacy_pilots`). */
  allowLegacyPilots?: boolean;
}

/** DiracX's detail texts. */
export const PILOT_POLICY_MESSAGES = {
  manage: 'Insufficient permissions to manage pilots.',
  manyStamps: 'Insufficient permissions to modify more than one pilot.',
  otherVo: 'Pilots can only be registered for your own VO.',
  pilotReads: "Pilots cannot read other pilots' metadata.",
  missing: 'At least one pilot does not exist.',
} as const;

export const pilotPolicy: AccessPolicy<PilotAccessArgs> = {
  id: 'pilot',
  async check(ctx, args) {
    const { user } = ctx;
    const isAdmin = hasProperty(user, SERVICE_ADMINISTRATOR);
    const stamps = [...new Set(args.pilotStamps ?? [])];

    if (args.action === 'manage_pilots') {
      const isLegacyPilot = (args.allowLegacyPilots ?? false) && hasProperty(user, GENERIC_PILOT);
      if (!isAdmin && !isLegacyPilot) throw new ForbiddenError(PILOT_POLICY_MESSAGES.manage);
      if (!isAdmin && stamps.length > 1) throw new ForbiddenError(PILOT_POLICY_MESSAGES.manyStamps);
      if (!isAdmin && args.targetVo !== undefined && args.targetVo !== user.vo) {
        throw new ForbiddenError(PILOT_POLICY_MESSAGES.otherVo);
      }
    } else if (hasProperty(user, GENERIC_PILOT)) {
      throw new ForbiddenError(PILOT_POLICY_MESSAGES.pilotReads);
    }

    if (stamps.length === 0) return;
    const pilots = await getPilotsByStamp(ctx.database.session, stamps);
    const visible = isAdmin ? pilots : pilots.filter((p) => p.vo === user.vo);
    if (visible.length !== stamps.length) throw new NotFoundError(PILOT_POLICY_MESSAGES.missing);
  },
};
