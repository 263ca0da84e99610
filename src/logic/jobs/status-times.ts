/**
 * @module logic/jobs/status-times
 * The bound on how far ahead of the server's clock a job status update may be stamped. The
 * latest record decides which later updates apply (`set-status.ts` logs but skips anything
 * older), so a record stamped in the year 9999 would pin a job's status forever; DiracX has no
 * such bound (an addition of ours, issue 16). Checked before anything is read or written, for
 * every caller: REST, the MCP tools, force or not. Time comes from the caller's clock.
 */
import { UnprocessableInputError } from '../../core/errors.ts';
import { parseTimestamp, type JobStatusChanges } from './models.ts';

/** Five minutes: more than any worker node's clock drift, far less than anything that could pin a job. */
export const DEFAULT_STATUS_MAX_FUTURE_SECONDS = 300;

/**
 * Throws `UnprocessableInputError` (422) at the first update stamped more than
 * `maxFutureSeconds` after `now`, located by job id and timestamp. Timestamps that do not
 * parse or carry no time zone are left to `setJobStatuses`, which refuses them (400).
 */
export function refuseFutureStatusUpdates(changes: JobStatusChanges, now: Date, maxFutureSeconds: number): void {
  const latestUs = (now.getTime() + maxFutureSeconds * 1000) * 1000;
  for (const [jobId, byTime] of Object.entries(changes)) {
    for (const text of Object.keys(byTime)) {
      const at = parseTimestamp(text);
      if (!at || at.offsetMinutes === null || at.us <= latestUs) continue;
      throw new UnprocessableInputError(
        `Timestamp ${at.pythonStr} of job ${jobId} is more than ` +
          `${maxFutureSeconds} seconds in the future (server time ${now.toISOString()})`,
        [jobId, text],
        text,
      );
    }
  }
}
