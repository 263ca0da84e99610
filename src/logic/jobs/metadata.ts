/**
 * @module logic/jobs/metadata
 * DiracX 0.7.0's `set_job_parameters_or_attributes` (the `PATCH /api/jobs/metadata` body): a
 * job's identity and state are immutable here. Of the job attributes (`JobAttributes`, by alias
 * or by DiracX's field name) only `Site` may be set (`MUTABLE_JOB_ATTRIBUTES`); any other one
 * (`Owner`, `OwnerGroup`, `VO`, `JobType`, `Status`, `UserPriority`, ...) refuses the whole
 * request with `InvalidInputError` before anything is read or written, whoever asks (owner,
 * pilot, administrator), so no request can hand a job to another user or VO or bypass the state
 * machine. Every other key is a job parameter, merged into the job's parameters document, which
 * stays in the job's VO. Null values are ignored, as DiracX's `exclude_none` drops them. One
 * transaction.
 */
import { upsertJobParameters, type JobParametersUpdate } from '../../db/job-parameters.ts';
import {
  JOB_ATTRIBUTE_COLUMNS,
  lockJobs,
  updateJobAttributes,
  type JobAttributeName,
  type JobAttributeUpdate,
} from '../../db/job-status.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { JobAttributesShape, type JobMetaData, type JobMetaDataBody } from './models.ts';
import { jobsNotFoundError, type JobsContext } from './set-status.ts';

/** The job attributes this endpoint may set (DiracX 0.7.0 `logic/jobs/status.py`). */
export const MUTABLE_JOB_ATTRIBUTES: ReadonlySet<string> = new Set<JobAttributeName>(['Site']);

type AttributeAlias = keyof typeof JobAttributesShape;

const isMutable = (attribute: AttributeAlias): attribute is AttributeAlias & JobAttributeName =>
  MUTABLE_JOB_ATTRIBUTES.has(attribute);

/**
 * Each job attribute under its alias and under DiracX's field name (`populate_by_name`:
 * `owner_group` is `OwnerGroup`).
 */
const ATTRIBUTE_BY_KEY: ReadonlyMap<string, AttributeAlias> = new Map(
  (Object.keys(JobAttributesShape) as AttributeAlias[]).flatMap((alias) => [
    [alias, alias],
    [fieldName(alias), alias],
  ]),
);

/** pydantic's field name of an alias: `OwnerGroup` → `owner_group`, `VO` → `vo`. */
function fieldName(alias: string): string {
  return alias.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

interface SplitMetadata {
  attributes: JobAttributeUpdate;
  parameters: Record<string, unknown>;
}

/**
 * A mutable attribute's value as its column stores it; text longer than the column is refused (400,
 * not a database error).
 */
function toColumnValue(jobId: number, name: JobAttributeName, value: unknown): string {
  // `Site` by its field name skips the model's validation (it is an extra key there).
  if (typeof value !== 'string') throw new InvalidInputError(`Invalid value for ${name} of job ${jobId}`);
  const column = JOB_ATTRIBUTE_COLUMNS[name];
  const width = 'length' in column ? column.length : undefined;
  if (width !== undefined && value.length > width)
    throw new InvalidInputError(`${name} of job ${jobId} is longer than ${width} characters`);
  return value;
}

/** Sorts one job's keys into the mutable attributes and the parameters; throws on any other attribute. */
function splitMetadata(jobId: number, metadata: JobMetaData): SplitMetadata {
  const attributes: JobAttributeUpdate = {};
  const parameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value === null || value === undefined) continue;
    const attribute = ATTRIBUTE_BY_KEY.get(key);
    if (attribute === undefined) parameters[key] = value;
    else if (isMutable(attribute)) attributes[attribute] = toColumnValue(jobId, attribute, value);
    else throw new InvalidInputError(`Job attribute ${attribute} cannot be modified through this endpoint`);
  }
  return { attributes, parameters };
}

/**
 * Updates jobs' `Site` and parameters from `{jobId: JobMetaData}`. Any other job attribute is an
 * `InvalidInputError` and nothing is written for any job. Unknown job ids are a `NotFoundError`
 * naming them and nothing is written (DiracX fails with 500 on them).
 */
export async function setJobMetadata(ctx: JobsContext, updates: JobMetaDataBody): Promise<void> {
  const now = ctx.now();
  const split = new Map<number, SplitMetadata>();
  for (const [key, metadata] of Object.entries(updates)) split.set(Number(key), splitMetadata(Number(key), metadata));
  if (split.size === 0) return;

  await ctx.database.transaction(async (tx) => {
    const found = await lockJobs(tx, [...split.keys()]);
    const known = new Set(found.map((j) => j.jobId));
    const missing = [...split.keys()].filter((id) => !known.has(id));
    if (missing.length > 0) throw jobsNotFoundError(missing);

    await updateJobAttributes(tx, new Map([...split].map(([jobId, s]) => [jobId, s.attributes])));
    // The document is always filed under the job's own VO: nothing here can change it.
    const parameters: JobParametersUpdate[] = found.map((job) => ({
      jobId: job.jobId,
      vo: job.vo,
      parameters: split.get(job.jobId)?.parameters ?? {},
    }));
    await upsertJobParameters(tx, parameters, now);
  });
}
