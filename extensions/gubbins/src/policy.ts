/**
 * @module gubbins/policy
 * Who may do what with gubbins owners (DiracX gubbins' `LollygagAccessPolicy`):
 * - `read` (list): `NormalUser` or `JobAdministrator`;
 * - `create` (add): `NormalUser`;
 * - `manage` (remove): `GubbinsSensei`, the property this extension defines.
 * Every action stays within the caller's VO: the logic is handed `user.vo` and nothing else.
 * Denials are `ForbiddenError` (403 on REST, a FORBIDDEN tool error on MCP).
 */
import { JOB_ADMINISTRATOR, NORMAL_USER, requireAnyProperty, type AccessPolicy } from '@diracx-ts/sdk';
import { GUBBINS_SENSEI } from './properties.ts';

export type GubbinsAction = 'read' | 'create' | 'manage';

export interface GubbinsAccessArgs {
  action: GubbinsAction;
}

/** The properties that allow each action (any one of them). */
const ALLOWED: Record<GubbinsAction, readonly string[]> = {
  read: [NORMAL_USER, JOB_ADMINISTRATOR],
  create: [NORMAL_USER],
  manage: [GUBBINS_SENSEI],
};

export const gubbinsPolicy: AccessPolicy<GubbinsAccessArgs> = {
  id: 'gubbins',
  async check(ctx, args) {
    requireAnyProperty(ctx.user, ALLOWED[args.action]);
  },
};
