/**
 * @module gubbins/wms-policy
 * A replacement of the core `wms` policy (same id, listed in `policyOverrides`), to show how an
 * extension tightens a core rule without copying it. It is in force for the core job routes and
 * MCP tools alike.
 *
 * The rule: a `JobAdministrator` may `read`, `manage` or `pilot` jobs they do not own only if
 * they also hold `GubbinsSensei`. Without it, they are held to what the core allows them without
 * `JobAdministrator`: their own jobs, and only with `NormalUser` (a `GenericPilot` keeps its own
 * `manage` right). Forcing a status (`force_status`, a JobAdministrator's right in the core) on
 * jobs they do not own needs GubbinsSensei too: without it, the jobs must be theirs. Everything
 * else (`create`, `query`, users who are not JobAdministrators) is decided by the core policy
 * unchanged.
 *
 * How: the core check always runs first (so this policy never allows more than the core one);
 * then, for the tightened actions, a JobAdministrator without GubbinsSensei is checked again
 * by the core policy as the same user minus `JobAdministrator`, which makes ownership count.
 */
import {
  hasProperty,
  JOB_ADMINISTRATOR,
  wmsPolicy,
  type AccessPolicy,
  type WmsAccessArgs,
  type WmsAction,
} from '@diracx-ts/sdk';
import { GUBBINS_SENSEI } from './properties.ts';

/** The actions on existing jobs whose JobAdministrator shortcut needs GubbinsSensei. */
const TIGHTENED: ReadonlySet<WmsAction> = new Set(['read', 'manage', 'pilot', 'force_status']);

export const gubbinsWmsPolicy: AccessPolicy<WmsAccessArgs> = {
  id: wmsPolicy.id,
  async check(ctx, args) {
    await wmsPolicy.check(ctx, args);
    const { user } = ctx;
    if (!TIGHTENED.has(args.action) || !hasProperty(user, JOB_ADMINISTRATOR) || hasProperty(user, GUBBINS_SENSEI))
      return;
    const withoutAdministrator = { ...user, properties: user.properties.filter((p) => p !== JOB_ADMINISTRATOR) };
    // The core already required JobAdministrator to force; what is left to check is ownership.
    const action = args.action === 'force_status' ? 'manage' : args.action;
    await wmsPolicy.check({ ...ctx, user: withoutAdministrator }, { ...args, action });
  },
};
