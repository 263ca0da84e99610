/**
 * @module logic/jobs/submission-limits
 * How much one submission may ask the server to build: the size of each job's JDL and of all
 * of them together (UTF-8 bytes of the JDLs as stored, after parametric expansion), besides
 * the number of jobs. Settings of the process (`DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES`,
 * `DIRACX_JOB_SUBMISSION_MAX_TOTAL_BYTES`), handed to the logic; the refusals name them.
 */
import { InvalidInputError } from '../../core/errors.ts';

export interface SubmissionLimits {
  /** Largest JDL of one job, in bytes. */
  maxJobBytes: number;
  /** Largest sum of the JDLs of one submission, in bytes. */
  maxTotalBytes: number;
}

/**
 * Defaults. A job: 256 KiB, four times what DiracX's own schema stores per JDL (MySQL `TEXT`,
 * 64 KiB) and a hundred times a typical production JDL (2-5 KiB), room for jobs listing
 * ~2 000 input LFNs. A submission: 64 MiB, 10 000 production jobs (the bulk limit) of ~6 KiB.
 */
export const DEFAULT_SUBMISSION_LIMITS: SubmissionLimits = { maxJobBytes: 256 * 1024, maxTotalBytes: 64 * 1024 * 1024 };

export const MAX_JOB_BYTES_SETTING = 'DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES';
export const MAX_TOTAL_BYTES_SETTING = 'DIRACX_JOB_SUBMISSION_MAX_TOTAL_BYTES';

/** Job `index` (0-based) of `count` would be `bytes` long. */
export function jobTooLarge(index: number, count: number, bytes: number, limits: SubmissionLimits): InvalidInputError {
  const which = count > 1 ? `Job ${index + 1} of ${count}` : 'The job';
  return new InvalidInputError(
    `${which} would have a JDL of ${formatBytes(bytes)} bytes, more ` +
      `than the ${limits.maxJobBytes} allowed per job (${MAX_JOB_BYTES_SETTING})`,
  );
}

/** The jobs of one submission would be `bytes` long together (at least: counting stops there). */
export function submissionTooLarge(count: number, bytes: number, limits: SubmissionLimits): InvalidInputError {
  return new InvalidInputError(
    `The ${count} jobs would have JDLs of ${formatBytes(bytes)} bytes or more together, more than the ` +
      `${limits.maxTotalBytes} allowed per submission (${MAX_TOTAL_BYTES_SETTING})`,
  );
}

const formatBytes = (bytes: number): string => (Number.isFinite(bytes) ? String(Math.ceil(bytes)) : 'too many');

/**
 * Checks per-job sizes (in order) against both limits, stopping at the first one broken.
 * @throws InvalidInputError naming the limit and its setting.
 */
export function checkJobSizes(sizes: ArrayLike<number>, limits: SubmissionLimits): void {
  let total = 0;
  for (let i = 0; i < sizes.length; i++) {
    const bytes = sizes[i] ?? 0;
    if (!(bytes <= limits.maxJobBytes)) throw jobTooLarge(i, sizes.length, bytes, limits);
    total += bytes;
    if (total > limits.maxTotalBytes) throw submissionTooLarge(sizes.length, total, limits);
  }
}
