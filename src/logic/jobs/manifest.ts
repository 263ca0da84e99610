/**
 * @module logic/jobs/manifest
 * The checks DIRAC applies to a job description at submission (`JobManifest.check`, via
 * `checkAndAddOwner`): the owner and group always come from the token; `CPUTime` and
 * `Priority` get the VO's defaults and are clamped to its limits; the number of input files
 * and the job types are limited by the VO's `Operations.JobDescription`.
 */
import type { JobDescriptionConfig } from '../../config/schema.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { getAttribute, getList, getNumber, setAttribute } from './jdl/attributes.ts';
import { jdlNumber, jdlString, type JdlDocument } from './jdl/ast.ts';

/** `name` as an integer between `min` and `max`, or the default when absent. */
function clampedNumber(doc: JdlDocument, name: string, fallback: number, min: number, max: number): number {
  if (getAttribute(doc, name) === undefined) return Math.max(min, Math.min(fallback, max));
  const value = getNumber(doc, name);
  if (value === undefined || !Number.isFinite(value)) throw new InvalidInputError(`${name} must be a number`);
  // DIRAC clamps only the value it checks and leaves the JDL as written; we store the clamped
  // value, so the job's requirements and its UserPriority agree with the limits.
  return Math.max(min, Math.min(Math.trunc(value), max));
}

/** The manifest after DIRAC's checks: owner and group set, CPUTime and Priority within limits. */
export function checkManifest(
  doc: JdlDocument,
  owner: string,
  ownerGroup: string,
  limits: JobDescriptionConfig,
): JdlDocument {
  let checked = setAttribute(setAttribute(doc, 'Owner', jdlString(owner)), 'OwnerGroup', jdlString(ownerGroup));
  const cpuTime = clampedNumber(checked, 'CPUTime', limits.DefaultCPUTime, limits.MinCPUTime, limits.MaxCPUTime);
  const priority = clampedNumber(checked, 'Priority', limits.DefaultPriority, limits.MinPriority, limits.MaxPriority);
  checked = setAttribute(setAttribute(checked, 'CPUTime', jdlNumber(cpuTime)), 'Priority', jdlNumber(priority));

  const inputData = getList(checked, 'InputData') ?? [];
  if (inputData.length > limits.MaxInputData) {
    throw new InvalidInputError(
      `Number of Input Data Files (${inputData.length}) greater than current limit: ${limits.MaxInputData}`,
    );
  }
  for (const jobType of getList(checked, 'JobType') ?? []) {
    if (!limits.AllowedJobTypes.includes(jobType))
      throw new InvalidInputError(`${jobType} is not a valid value for JobType`);
  }
  return checked;
}
