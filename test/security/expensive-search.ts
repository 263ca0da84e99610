/**
 * A search every limit allows that keeps a database busy for minutes: 99 distinct regular
 * expressions on the job name, all matching every bulk row (so none short-circuits the others).
 * On PostgreSQL and the embedded database they are more than its cache of 32 compiled
 * expressions, so each is compiled again for each row. MariaDB compiles each once, but its PCRE
 * backtracks: the 20 optional digits first take the name's 7, and `[0-9]{7}` then matches only
 * once they have given them all back, after some 10^5 tries (a few milliseconds per row and
 * expression). Over 20 000 jobs that is minutes of work on each database.
 */
import { checkSearchLimits } from '../../src/logic/jobs/search-limits.ts';

export const EXPENSIVE_ROWS = 20_000;

export const EXPENSIVE_SEARCH = {
  parameters: ['JobID'],
  search: Array.from({ length: 99 }, (_, k) => ({
    parameter: 'JobName',
    operator: 'regex',
    value: `^(bulk|other${k})-${'[0-9]?'.repeat(20)}[0-9]{7}$`,
  })),
};

// The point of the attack: nothing in it is refused by the search limits.
checkSearchLimits({ ...EXPENSIVE_SEARCH, sort: [] });
