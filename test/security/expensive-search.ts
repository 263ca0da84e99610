/**
 * A search every limit allows that keeps a database busy for minutes: 99 distinct regular
 * expressions on the job name, all matching every row (so none short-circuits the others), more
 * than PostgreSQL's cache of 32 compiled expressions, so each is compiled again for each row.
 * Over 20 000 jobs that is minutes of work, on PostgreSQL and on the embedded database alike.
 */
import { checkSearchLimits } from '../../src/logic/jobs/search-limits.ts';

export const EXPENSIVE_ROWS = 20_000;

export const EXPENSIVE_SEARCH = {
  parameters: ['JobID'],
  search: Array.from({ length: 99 }, (_, k) => ({
    parameter: 'JobName',
    operator: 'regex',
    value: `^(bulk|other${k})-${'[0-9]?'.repeat(20)}$`,
  })),
};

// The point of the attack: nothing in it is refused by the search limits.
checkSearchLimits({ ...EXPENSIVE_SEARCH, sort: [] });
