/**
 * @module tools/identity
 * The tools that only read the caller's own token and their own VO's configuration, hence open
 * access: `whoami` (who the server thinks is calling, with which group and properties, until
 * when) and `get_config_summary` (the VO's groups and their properties, the caller's groups,
 * the VO's job limits, the platforms the installation knows). Nothing about another VO (its
 * groups, users or settings) and no member lists ever leave here.
 */
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import type { AuthedUser } from '../core/user.ts';
import { defineTool, READ_ONLY } from './define.ts';

const OPEN = { kind: 'open' } as const;
const OWN_DATA = { ...READ_ONLY, openWorldHint: false };

export const whoamiTool = defineTool({
  name: 'whoami',
  title: 'Who am I',
  description:
    'Who you are acting as on the grid: user name, VO, group, security properties ' +
    '(e.g. NormalUser lets you submit, JobAdministrator lets you manage every job ' +
    'of the VO), the OAuth client, and when the access token expires. Example: whoami()',
  input: z.object({}),
  output: z.object({
    success: z.literal(true),
    sub: z.string(),
    preferred_username: z.string(),
    vo: z.string(),
    group: z.string(),
    properties: z.array(z.string()),
    expires_at: z.string().describe('Token expiry, ISO 8601 UTC.'),
    expires_in: z.number().int().describe('Seconds until the token expires (0 when expired).'),
    client_id: z.string().nullable(),
  }),
  annotations: OWN_DATA,
  access: OPEN,
  async run(ctx) {
    const { user } = ctx;
    const expiresMs = user.expiresAt * 1000;
    return {
      success: true as const,
      sub: user.sub,
      preferred_username: user.preferredUsername,
      vo: user.vo,
      group: user.diracGroup,
      properties: [...user.properties],
      expires_at: new Date(expiresMs).toISOString(),
      expires_in: Math.max(0, Math.floor((expiresMs - ctx.now().getTime()) / 1000)),
      client_id: user.clientId ?? null,
    };
  },
});

/** The IdP subject of the user (`<vo>:<sub>` in tokens, plain in the Registry). */
function idpSubject(user: AuthedUser): string {
  return user.sub.startsWith(`${user.vo}:`) ? user.sub.slice(user.vo.length + 1) : user.sub;
}

/** The caller's VO as the configuration describes it: names and properties only. */
function voSummary(config: Config, user: AuthedUser) {
  const registry = Object.hasOwn(config.Registry, user.vo) ? config.Registry[user.vo] : undefined;
  const groups = Object.entries(registry?.Groups ?? {}).map(([name, group]) => ({
    name,
    properties: [...group.Properties],
  }));
  const subject = idpSubject(user);
  const mine = Object.entries(registry?.Groups ?? {})
    .filter(([, group]) => group.Users.includes(subject))
    .map(([name]) => name);
  return {
    groups,
    user_groups: mine.includes(user.diracGroup) ? mine : [user.diracGroup, ...mine],
    default_group: registry?.DefaultGroup ?? null,
  };
}

const Limits = z.object({
  default_cpu_time: z.number().int(),
  min_cpu_time: z.number().int(),
  max_cpu_time: z.number().int(),
  max_input_data: z.number().int(),
  allowed_job_types: z.array(z.string()),
  max_rescheduling: z.number().int(),
});

export const configSummaryTool = defineTool({
  name: 'get_config_summary',
  title: 'My VO configuration',
  description:
    "What the installation's configuration says about your VO: its groups and their properties, the groups you " +
    'belong to, the default group, the job limits used at submission (CPU time in seconds, input files, job types, ' +
    'maximum reschedulings) and the platforms known for the Platform requirement. Example: get_config_summary()',
  input: z.object({}),
  output: z.object({
    success: z.literal(true),
    vo: z.string(),
    groups: z.array(z.object({ name: z.string(), properties: z.array(z.string()) })),
    user_groups: z.array(z.string()),
    default_group: z.string().nullable(),
    job_limits: Limits.nullable(),
    platforms: z.array(z.object({ platform: z.string(), compatible: z.array(z.string()) })),
  }),
  annotations: OWN_DATA,
  access: OPEN,
  async run(ctx) {
    const { config, user } = ctx;
    const operations = Object.hasOwn(config.Operations, user.vo) ? config.Operations[user.vo] : undefined;
    const limits = operations?.JobDescription;
    const job_limits =
      limits && operations
        ? {
            default_cpu_time: limits.DefaultCPUTime,
            min_cpu_time: limits.MinCPUTime,
            max_cpu_time: limits.MaxCPUTime,
            max_input_data: limits.MaxInputData,
            allowed_job_types: [...limits.AllowedJobTypes],
            max_rescheduling: operations.Services.JobScheduling.MaxRescheduling,
          }
        : null;
    const platforms = Object.entries(config.Resources.Computing.OSCompatibility).map(([platform, compatible]) => ({
      platform,
      compatible: [...compatible],
    }));
    return { success: true as const, vo: user.vo, ...voSummary(config, user), job_limits, platforms };
  },
});
