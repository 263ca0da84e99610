/**
 * The project's run parameters for fast-check properties.
 *
 * A property states how many cases it runs; a time limit only bounds how long a hung case may
 * hold the suite. A property interrupted by its time limit before reaching its run count fails
 * (fast-check's `failOnInterrupt`) instead of passing on fewer cases than it claims.
 */
import fc from 'fast-check';

/** What `runs` gives: the run count, and the time limit as fast-check's plugin. */
export interface PropertyRuns {
  numRuns: number;
  plugins: ReturnType<typeof fc.interruptAfterTimeLimit>[];
}

/** The parameters of `fc.assert` for a property that must run `numRuns` cases within `timeLimitMs`. */
export function runs(numRuns: number, timeLimitMs: number): PropertyRuns {
  return { numRuns, plugins: [fc.interruptAfterTimeLimit(timeLimitMs, { failOnInterrupt: true })] };
}
