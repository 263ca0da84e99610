/**
 * @module logic/jobs/metadata
 * DiracX's `set_job_parameters_or_attributes` (the `PATCH /api/jobs/metadata` body): keys naming
 * a `Jobs` column (JobAttributes) are written to the jobs in one bulk update, every other key
 * (JobParameters and anything unknown) is merged into the job's parameters document, and
 * `JobType` goes to both. Like DiracX, this writes `Status` and friends directly: it bypasses
 * the state machine and the status history (a QUIRK kept on purpose). One transaction.
 */
import { upsertJobParameters, type JobParametersUpdate } from '../../db/job-parameters.ts';
import { JOB_ATTRIBUTE_COLUMNS, lockJobs, updateJobAttributes, type JobAttributeName, type JobAttributeUpdate } from '../../db/job-status.ts';
import { InvalidInputError } from '../errors.ts';
import { JobAttributesShape, JobParametersShape, type JobMetaData, type JobMetaDataBody } from './models.ts';
import { jobsNotFoundError, type JobsContext } from './set-status.ts';

const ATTRIBUTES: ReadonlySet<string> = new Set(Object.keys(JobAttributesShape));
const PARAMETERS: ReadonlySet<string> = new Set(Object.keys(JobParametersShape));

const isAttribute = (key: string): key is JobAttributeName => ATTRIBUTES.has(key);

interface SplitMetadata {
  attributes: JobAttributeUpdate;
  parameters: Record<string, unknown>;
}

/** An attribute value as its column stores it; text longer than the column is refused (400, not a database error). */
function toColumnValue(jobId: number, name: JobAttributeName, value: unknown): string | number | boolean {
  if (name === 'AccountedFlag') return value === 'Failed' ? 'Failed' : value === true ? 'True' : 'False';
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new InvalidInputError(`Invalid value for ${name} of job ${jobId}`);
  }
  const column = JOB_ATTRIBUTE_COLUMNS[name];
  const width = 'length' in column ? column.length : undefined;
  if (typeof value === 'string' && width !== undefined && value.length > width) {
    throw new InvalidInputError(`${name} of job ${jobId} is longer than ${width} characters`);
  }
  return value;
}

/** Sorts one job's keys: attributes, parameters (known or not), `JobType` to both; nulls are dropped. */
function splitMetadata(jobId: number, metadata: JobMetaData, now: Date): SplitMetadata {
  const attributes: JobAttributeUpdate = {};
  const parameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value === null || value === undefined) continue;
    if (isAttribute(key)) attributes[key] = toColumnValue(jobId, key, value);
    if (PARAMETERS.has(key) || !isAttribute(key)) parameters[key] = value;
  }
  // DiracX's `set_job_attributes`: a Status change bumps LastUpdateTime, over any value given.
  if (attributes.Status !== undefined) attributes.LastUpdateTime = now;
  return { attributes, parameters };
}

/**
 * Updates jobs' attributes and parameters from `{jobId: JobMetaData}`. Unknown job ids are a
 * `NotFoundError` naming them and nothing is written (DiracX fails with 500 on them).
 */
export async function setJobMetadata(ctx: JobsContext, updates: JobMetaDataBody): Promise<void> {
  const now = ctx.now();
  const split = new Map<number, SplitMetadata>();
  for (const [key, metadata] of Object.entries(updates)) split.set(Number(key), splitMetadata(Number(key), metadata, now));
  if (split.size === 0) return;

  await ctx.database.transaction(async (tx) => {
    const found = await lockJobs(tx, [...split.keys()]);
    const known = new Set(found.map((j) => j.jobId));
    const missing = [...split.keys()].filter((id) => !known.has(id));
    if (missing.length > 0) throw jobsNotFoundError(missing);

    await updateJobAttributes(tx, new Map([...split].map(([jobId, s]) => [jobId, s.attributes])));
    const parameters: JobParametersUpdate[] = found.map((job) => {
      const { attributes, parameters: doc } = split.get(job.jobId) ?? { attributes: {}, parameters: {} };
      // The document follows the job's VO, as updated just above when the update moves it.
      return { jobId: job.jobId, vo: typeof attributes.VO === 'string' ? attributes.VO : job.vo, parameters: doc };
    });
    await upsertJobParameters(tx, parameters, now);
  });
}
