/**
 * @module logic/jobs/query
 * Job search and summary as DiracX scopes them (`logic/jobs/query.py`): a caller without
 * `JobAdministrator` sees only their own jobs unless the VO's `GlobalJobsInfo` allows global
 * views; and, beyond DiracX, everyone sees only jobs of their own VO. The scope is part of the
 * query itself, so neither rows nor counts from outside it can leak. Requests beyond the search
 * limits (`./search-limits.ts`) are refused before anything reaches the database.
 */
import type { Config } from '../../config/schema.ts';
import { JOB_ADMINISTRATOR } from '../../config/properties.ts';
import { jobIdsOfPilotStamps } from '../../db/pilots.ts';
import { searchJobs, summariseJobs, type JobSearchRow, type JobSearchScope } from '../../db/jobs-search.ts';
import type { SearchRow } from '../../db/search/types.ts';
import { hasProperty, type AuthedUser } from '../../core/user.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { SearchParams, SummaryParams } from './search-params.ts';
import { checkSearchLimits } from './search-limits.ts';
import type { LogicContext } from '../call-context.ts';

export type QueryContext = Pick<LogicContext, 'database' | 'config' | 'user' | 'searchLimits'>;

/** The part of the jobs table the user may query. */
export function jobQueryScope(user: AuthedUser, config: Config): JobSearchScope {
  const globalView = config.Operations[user.vo]?.Services.JobMonitoring.GlobalJobsInfo ?? false;
  const seesAll = hasProperty(user, JOB_ADMINISTRATOR) || globalView;
  return seesAll ? { vo: user.vo } : { vo: user.vo, owner: user.preferredUsername };
}

/** DiracX's `PilotStamp` pseudo-parameter of job search: the jobs the named pilots ran. */
export const PILOT_STAMP = 'PilotStamp';

/**
 * Rewrites `PilotStamp` filters (`eq`/`in` only) into one `JobID in [...]` filter, as DiracX's
 * `_rewrite_pilot_stamp_pseudo_param`; `undefined` when no job matches (the answer is empty).
 */
async function resolvePilotStamps(ctx: QueryContext, params: SearchParams): Promise<SearchParams | undefined> {
  const matches = params.search.filter((spec) => spec.parameter === PILOT_STAMP);
  if (matches.length === 0) return params;
  if (params.search.some((spec) => spec.parameter === 'JobID')) {
    throw new InvalidInputError(
      `Cannot combine '${PILOT_STAMP}' pseudo-parameter with a real 'JobID' filter in the same request.`,
    );
  }
  const stamps: string[] = [];
  for (const spec of matches) {
    if (spec.operator === 'eq' && 'value' in spec) stamps.push(String(spec.value));
    else if (spec.operator === 'in' && 'values' in spec) stamps.push(...spec.values.map(String));
    else
      throw new InvalidInputError(
        `Operator '${spec.operator}' is not supported on the '${PILOT_STAMP}' pseudo-parameter; use 'eq' or 'in'.`,
      );
  }
  const jobIds = await jobIdsOfPilotStamps(ctx.database.session, stamps);
  if (jobIds.length === 0) return undefined;
  const rest = params.search.filter((spec) => spec.parameter !== PILOT_STAMP);
  return { ...params, search: [...rest, { parameter: 'JobID', operator: 'in', values: jobIds }] };
}

export async function searchUserJobs(
  ctx: QueryContext,
  params: SearchParams,
  page: number,
  perPage: number,
): Promise<{ rows: JobSearchRow[]; total: number }> {
  checkSearchLimits(params, ctx.searchLimits);
  const resolved = await resolvePilotStamps(ctx, params);
  if (!resolved) return { rows: [], total: 0 };
  return searchJobs(ctx.database.session, resolved, page, perPage, jobQueryScope(ctx.user, ctx.config));
}

export async function summariseUserJobs(ctx: QueryContext, params: SummaryParams): Promise<SearchRow[]> {
  checkSearchLimits(params, ctx.searchLimits);
  return summariseJobs(ctx.database.session, params, jobQueryScope(ctx.user, ctx.config));
}
