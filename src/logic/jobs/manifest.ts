/**
 * @module logic/jobs/manifest
 * DIRAC's `checkAndAddOwner` and `JobManifest.check`, as DiracX 0.7.0 runs them on every
 * submitted JDL: the text is read into a manifest (`loadJDLAsCFG`), the owner and group from
 * the token are set, and then `CPUTime` and `Priority` get the VO's default (clamped to its
 * limits) when absent; a value given must be an integer and is kept as written (DIRAC clamps only
 * the value it checks, never the stored one). The number of input files and the job types are
 * limited by the VO's `Operations.JobDescription`.
 */
import type { JobDescriptionConfig } from '../../config/schema.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { type DiracCfg, loadJdlAsCfg } from './jdl/dirac-cfg.ts';
import { listFromChar, pyInt, pyStrip } from './jdl/python-text.ts';

/** `_checkNumericalVar`: a value given must be an integer; an absent one gets the clamped default. */
function checkNumber(manifest: DiracCfg, name: 'CPUTime' | 'Priority', limits: JobDescriptionConfig): void {
  const given = manifest.has(name);
  const value = given ? pyInt(manifest.option(name) ?? '') : BigInt(limits[`Default${name}`]);
  if (value === undefined) throw new InvalidInputError(`${name} must be a number`);
  if (given) return;
  const min = BigInt(limits[`Min${name}`]);
  const max = BigInt(limits[`Max${name}`]);
  const capped = value < max ? value : max;
  manifest.setOption(name, String(capped > min ? capped : min)); // Python's max(min, min(value, max))
}

/**
 * The manifest of `jdl` (a JDL text in `[ ]`) for `owner`/`ownerGroup`, checked as DIRAC does.
 * @throws DiracJdlError where DIRAC cannot read the text; InvalidInputError where a check fails.
 */
export function checkAndAddOwner(
  jdl: string,
  owner: string,
  ownerGroup: string,
  limits: JobDescriptionConfig,
): DiracCfg {
  const manifest = loadJdlAsCfg(pyStrip(jdl));
  manifest.setOption('Owner', owner);
  manifest.setOption('OwnerGroup', ownerGroup);
  checkNumber(manifest, 'CPUTime', limits);
  checkNumber(manifest, 'Priority', limits);
  const inputData = manifest.option('InputData');
  if (inputData !== undefined) {
    const count = listFromChar(inputData).length;
    if (count > limits.MaxInputData) {
      throw new InvalidInputError(
        `Number of Input Data Files (${count}) greater than current limit: ${limits.MaxInputData}`,
      );
    }
  }
  for (const jobType of listFromChar(manifest.option('JobType') ?? '')) {
    if (!limits.AllowedJobTypes.includes(jobType))
      throw new InvalidInputError(`${jobType} is not a valid value for JobType`);
  }
  return manifest;
}
