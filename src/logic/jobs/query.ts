/**
 * @module logic/jobs/query
 * Job search and summary as DiracX scopes them (`logic/jobs/query.py`): a caller without
 * `JobAdministrator` sees only their own jobs unless the VO's `GlobalJobsInfo` allows global
 * views; and, beyond DiracX, everyone sees only jobs of their own VO. The scope is part of the
 * query itself, so neither rows nor counts from outside it can leak.
 */
import type { Config } from '../../config/schema.ts';
import { JOB_ADMINISTRATOR } from '../../config/properties.ts';
import type { Database } from '../../db/database.ts';
import { searchJobs, summariseJobs, type JobSearchRow, type JobSearchScope } from '../../db/jobs-search.ts';
import type { SearchRow } from '../../db/search/types.ts';
import { hasProperty, type AuthedUser } from '../auth/user.ts';
import type { SearchParams, SummaryParams } from './search-params.ts';

export interface QueryContext {
  database: Database;
  config: Config;
  user: AuthedUser;
}

/** The part of the jobs table the user may query. */
export function jobQueryScope(user: AuthedUser, config: Config): JobSearchScope {
  const globalView = config.Operations[user.vo]?.Services.JobMonitoring.GlobalJobsInfo ?? false;
  const seesAll = hasProperty(user, JOB_ADMINISTRATOR) || globalView;
  return seesAll ? { vo: user.vo } : { vo: user.vo, owner: user.preferredUsername };
}

export function searchUserJobs(
  ctx: QueryContext,
  params: SearchParams,
  page: number,
  perPage: number,
): Promise<{ rows: JobSearchRow[]; total: number }> {
  return searchJobs(ctx.database.db, params, page, perPage, jobQueryScope(ctx.user, ctx.config));
}

export function summariseUserJobs(ctx: QueryContext, params: SummaryParams): Promise<SearchRow[]> {
  return summariseJobs(ctx.database.db, params, jobQueryScope(ctx.user, ctx.config));
}
