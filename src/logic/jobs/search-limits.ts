/**
 * @module logic/jobs/search-limits
 * How much one search or summary may ask of the database (jobs and pilots alike): the number
 * of conditions (filters, sort keys and named columns together), the length of each
 * `like`/`not like`/`regex` pattern, the number of `in`/`not in` values of a request, and
 * regular expressions that backtrack (see `./regex-safety.ts`). Settings of the process
 * (`DIRACX_SEARCH_MAX_*`), handed to the logic; each refusal is a 400 naming the limit and its
 * setting, raised before anything touches the database. Pure: no I/O here.
 */
import { InvalidInputError } from '../../core/errors.ts';
import { MAX_REGEX_REPETITION, regexHazard } from './regex-safety.ts';

export interface SearchLimits {
  /** Most filters + sort keys + requested columns (or grouping columns) in one request. */
  maxConditions: number;
  /** Longest `like`/`not like`/`regex` pattern, in characters. */
  maxPatternLength: number;
  /** Most `in`/`not in` values in one request, all filters together. */
  maxValues: number;
}

/**
 * Defaults. A DiracX search names at most the ~30 job columns, a few sort keys and a handful of
 * filters (the web app's and the CLI's): 100 leaves room. Patterns are job names, sites,
 * statuses: 256 characters is ten times a long one. `JobID in [...]` lists are what the CLI sends
 * for a batch of jobs: 10 000 is the bulk submission limit, and keeps a query's bound parameters
 * far below PostgreSQL's 65 535.
 */
export const DEFAULT_SEARCH_LIMITS: SearchLimits = { maxConditions: 100, maxPatternLength: 256, maxValues: 10_000 };

export const MAX_CONDITIONS_SETTING = 'DIRACX_SEARCH_MAX_CONDITIONS';
export const MAX_PATTERN_LENGTH_SETTING = 'DIRACX_SEARCH_MAX_PATTERN_LENGTH';
export const MAX_VALUES_SETTING = 'DIRACX_SEARCH_MAX_VALUES';

const PATTERN_OPERATORS: ReadonlySet<string> = new Set(['like', 'not like', 'regex']);

/** A filter as the wire carries it (jobs and pilots; pseudo-parameters included). */
export interface BoundedFilter {
  readonly parameter: string;
  readonly operator: string;
  readonly value?: unknown;
  readonly values?: readonly unknown[];
}

/** What a search or summary asks for, as far as its size goes. */
export interface BoundedQuery {
  readonly search: readonly BoundedFilter[];
  readonly sort?: readonly unknown[];
  /** The requested columns of a search (`null`: all). */
  readonly parameters?: readonly string[] | null;
  /** The grouping columns of a summary. */
  readonly grouping?: readonly string[];
}

/**
 * Throws `InvalidInputError` (400) when `query` is beyond `limits`: too many conditions, a
 * pattern too long, too many `in`/`not in` values, or a regular expression with a construct
 * that backtracks (nested quantifiers, alternation under a quantifier, backreferences,
 * repetition counts above {@link MAX_REGEX_REPETITION}).
 */
export function checkSearchLimits(query: BoundedQuery, limits: SearchLimits = DEFAULT_SEARCH_LIMITS): void {
  const conditions =
    query.search.length + (query.sort?.length ?? 0) + (query.parameters?.length ?? 0) + (query.grouping?.length ?? 0);
  if (conditions > limits.maxConditions) {
    throw new InvalidInputError(
      `Too many conditions: ${conditions} filters, sort keys and columns, more than the ${limits.maxConditions} ` +
        `allowed per request (${MAX_CONDITIONS_SETTING})`,
    );
  }
  let values = 0;
  for (const filter of query.search) {
    values += filter.values?.length ?? 0;
    if (!PATTERN_OPERATORS.has(filter.operator) || filter.value === undefined) continue;
    const pattern = String(filter.value);
    if (pattern.length > limits.maxPatternLength) {
      throw new InvalidInputError(
        `Pattern too long for parameter ${filter.parameter}: ${pattern.length} characters, more than the ` +
          `${limits.maxPatternLength} allowed (${MAX_PATTERN_LENGTH_SETTING})`,
      );
    }
    const hazard = filter.operator === 'regex' ? regexHazard(pattern) : undefined;
    if (hazard !== undefined) {
      throw new InvalidInputError(`Regular expression refused for parameter ${filter.parameter}: ${hazard}`);
    }
  }
  if (values > limits.maxValues) {
    throw new InvalidInputError(
      `Too many values: ${values} in 'in'/'not in' filters, more ` +
        `than the ${limits.maxValues} allowed per request (${MAX_VALUES_SETTING})`,
    );
  }
}
