/**
 * @module logic/pilots/query
 * Pilot search and summary as DiracX scopes them (`logic/pilots/query.py`, spec §2.8): a caller
 * without `ServiceAdministrator` sees only the pilots of their own VO, and the search accepts
 * the `JobID` pseudo-parameter ("pilots that ran these jobs", `eq`/`in` with integers only),
 * resolved through `JobToPilotMapping`. Both restrictions are conditions of the one query
 * that also counts, so neither rows nor totals from outside them can leak. Requests beyond the
 * search limits (`../jobs/search-limits.ts`) are refused before anything reaches the database.
 */
import { SERVICE_ADMINISTRATOR } from '../../config/properties.ts';
import { searchPilots, summarisePilots, type PilotSearchScope } from '../../db/pilots-search.ts';
import type { SearchPage } from '../../db/search/run.ts';
import type { SearchFilter, SearchRow, WireScalar } from '../../db/search/types.ts';
import { hasProperty, type AuthedUser } from '../../core/user.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { SearchParams, SummaryParams } from '../jobs/search-params.ts';
import { checkSearchLimits } from '../jobs/search-limits.ts';
import type { LogicContext } from '../call-context.ts';

/** The search pseudo-parameter resolved through `JobToPilotMapping`. */
export const JOB_ID_PSEUDO_PARAM = 'JobID';
/** The real column a `JobID` filter may not be combined with (DiracX refuses the mix). */
export const PILOT_ID_PARAM = 'PilotID';

export type PilotQueryContext = Pick<LogicContext, 'database' | 'user' | 'searchLimits'>;

/** The VO the caller is confined to, or none for a `ServiceAdministrator`. */
export function pilotQueryScope(user: AuthedUser): PilotSearchScope {
  return hasProperty(user, SERVICE_ADMINISTRATOR) ? {} : { vo: user.vo };
}

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;

/** A `JobID` value as Python's `int()` reads it (integers and integer strings, no booleans). */
function toJobId(value: WireScalar): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new InvalidInputError(`'${JOB_ID_PSEUDO_PARAM}' pseudo-parameter values must be integers.`);
  }
  return n;
}

export interface SplitJobIdFilters {
  /** The filters left for the table. */
  search: SearchFilter[];
  /** The job ids the pilots must have run, when the request had `JobID` filters. */
  ranJobIds?: number[];
}

/**
 * Takes the `JobID` pseudo-filters out of `search` (DiracX's `_rewrite_job_id_pseudo_param`):
 * every `eq`/`in` value is collected into one list, matched as "ran any of them". Other
 * operators, non-integer values and a `PilotID` filter next to a `JobID` one are 400s. Ids
 * outside the 32-bit range of `JobID` can name no job and match nothing.
 */
export function splitJobIdFilters(search: readonly SearchFilter[]): SplitJobIdFilters {
  const matches = search.filter((f) => f.parameter === JOB_ID_PSEUDO_PARAM);
  if (matches.length === 0) return { search: [...search] };
  if (search.some((f) => f.parameter === PILOT_ID_PARAM)) {
    throw new InvalidInputError(
      `Cannot combine '${JOB_ID_PSEUDO_PARAM}' pseudo-parameter ` +
        `with a real '${PILOT_ID_PARAM}' filter in the same request.`,
    );
  }
  const ids: number[] = [];
  for (const filter of matches) {
    if (filter.operator === 'eq') ids.push(toJobId(filter.value));
    else if (filter.operator === 'in') ids.push(...filter.values.map(toJobId));
    else {
      throw new InvalidInputError(
        `Operator '${filter.operator}' is not supported on the ` +
          `'${JOB_ID_PSEUDO_PARAM}' pseudo-parameter; use 'eq' or 'in'.`,
      );
    }
  }
  return {
    search: search.filter((f) => f.parameter !== JOB_ID_PSEUDO_PARAM),
    ranJobIds: [...new Set(ids.filter((id) => id >= INT4_MIN && id <= INT4_MAX))],
  };
}

/**
 * One page of the pilots the caller may see that match `params`, and the total. Unlike DiracX,
 * a `JobID` that no pilot ran does not short-circuit: the rest of the request is still
 * validated (a bad filter next to it is a 400, not an empty 200).
 */
export function searchVisiblePilots(
  ctx: PilotQueryContext,
  params: SearchParams,
  page: number,
  perPage: number,
): Promise<SearchPage> {
  checkSearchLimits(params, ctx.searchLimits);
  const { search, ranJobIds } = splitJobIdFilters(params.search);
  const scope: PilotSearchScope = { ...pilotQueryScope(ctx.user), ...(ranJobIds ? { ranJobIds } : {}) };
  return searchPilots(ctx.database.session, { ...params, search }, page, perPage, scope);
}

/**
 * Pilot counts per `grouping` among the pilots the caller may see. As in DiracX, `JobID` is a
 * search-only pseudo-parameter: here it is an unknown column (400).
 */
export async function summariseVisiblePilots(ctx: PilotQueryContext, params: SummaryParams): Promise<SearchRow[]> {
  checkSearchLimits(params, ctx.searchLimits);
  return summarisePilots(ctx.database.session, params, pilotQueryScope(ctx.user));
}
