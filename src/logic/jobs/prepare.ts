/**
 * @module logic/jobs/prepare
 * Turning a checked job description into the job DiracX stores (DIRAC's `checkAndPrepareJob`
 * and `createJDLWithInitialStatus`): the job id and `%j`, owner/group/VO from the token (a JDL
 * naming another VO is refused), the VO's input-data and software-distribution modules, the
 * `JobRequirements` the matcher uses, and the job attributes taken from the JDL.
 */
import type { Config } from '../../config/schema.ts';
import { STORED_TEXT_WIDTHS } from '../../db/job-submission.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { getAttribute, getList, getNumber, getString, setAttribute } from './jdl/attributes.ts';
import { jdlNumber, jdlString, type JdlAttribute, type JdlDocument, type JdlValue } from './jdl/ast.ts';
import { compatiblePlatforms } from './platforms.ts';

export interface JobOwner {
  owner: string;
  ownerGroup: string;
  vo: string;
}

/** The Jobs columns a description decides (the rest come from the submission itself). */
export interface JobAttributesFromJdl {
  jobName?: string;
  jobType?: string;
  jobGroup?: string;
  site?: string;
  userPriority: number;
}

export interface PreparedJob {
  /** The description as stored: with JobID, owner, modules and `JobRequirements`. */
  jdl: JdlDocument;
  attributes: JobAttributesFromJdl;
  inputData: string[];
}

/**
 * Refuses text a job column cannot hold: longer than the column (PostgreSQL counts code points)
 * or holding NUL, which PostgreSQL text cannot store. Both would fail the insert with a 500;
 * DIRAC's MySQL would truncate silently, which is worse for a job name or an LFN.
 */
function checkStoredText(name: keyof typeof STORED_TEXT_WIDTHS, value: string): void {
  const limit = STORED_TEXT_WIDTHS[name];
  if (value.includes('\u0000')) throw new InvalidInputError(`${name} must not contain NUL characters`);
  if (limit !== undefined && [...value].length > limit) {
    throw new InvalidInputError(`${name} is too long: at most ${limit} characters, got ${[...value].length}`);
  }
}

/** Replaces DIRAC's `%j` placeholder with the job id in every string of a value. */
function substituteJobId(value: JdlValue, jobId: string): JdlValue {
  switch (value.kind) {
    case 'string':
      return { kind: 'string', value: value.value.replaceAll('%j', jobId) };
    case 'expression':
      return { kind: 'expression', raw: value.raw.replaceAll('%j', jobId) };
    case 'list':
      return { kind: 'list', items: value.items.map((item) => substituteJobId(item, jobId)) };
    case 'classad':
      return {
        kind: 'classad',
        attributes: value.attributes.map((a) => ({ name: a.name, value: substituteJobId(a.value, jobId) })),
      };
    default:
      return value;
  }
}

/** Prepares job `jobId` of `owner` from its checked description (see `checkManifest`). */
export function prepareJob(checked: JdlDocument, jobId: number, who: JobOwner, config: Config): PreparedJob {
  const declaredVo = getString(checked, 'VirtualOrganization');
  if (declaredVo && declaredVo !== who.vo) throw new InvalidInputError('Wrong Virtual Organization in JDL');
  const operations = config.Operations[who.vo];
  if (!operations) throw new InvalidInputError(`VO ${who.vo} has no Operations section`);

  let jdl: JdlDocument = {
    attributes: checked.attributes.map((a) => ({ name: a.name, value: substituteJobId(a.value, String(jobId)) })),
  };
  jdl = setAttribute(jdl, 'JobID', jdlNumber(jobId));
  jdl = setAttribute(
    setAttribute(setAttribute(jdl, 'Owner', jdlString(who.owner)), 'OwnerGroup', jdlString(who.ownerGroup)),
    'VirtualOrganization',
    jdlString(who.vo),
  );
  if (getAttribute(jdl, 'InputDataModule') === undefined)
    jdl = setAttribute(jdl, 'InputDataModule', jdlString(operations.InputDataPolicy.InputDataModule));
  if (getAttribute(jdl, 'SoftwareDistModule') === undefined)
    jdl = setAttribute(jdl, 'SoftwareDistModule', jdlString(operations.SoftwareDistModule));

  const priority = Math.trunc(getNumber(jdl, 'Priority') ?? 0);
  const requirements: JdlAttribute[] = [
    { name: 'Owner', value: jdlString(who.owner) },
    { name: 'OwnerGroup', value: jdlString(who.ownerGroup) },
    { name: 'VirtualOrganization', value: jdlString(who.vo) },
    { name: 'UserPriority', value: jdlNumber(priority) },
    {
      name: 'CPUTime',
      value: jdlNumber(Math.trunc(getNumber(jdl, 'CPUTime') ?? operations.JobDescription.DefaultCPUTime)),
    },
  ];
  const platforms = getList(jdl, 'Platform') ?? [];
  if (platforms.length > 0) {
    const compatible = compatiblePlatforms(platforms, config.Resources.Computing.OSCompatibility);
    requirements.push({ name: 'Platforms', value: { kind: 'list', items: compatible.map(jdlString) } });
  }
  jdl = setAttribute(jdl, 'JobRequirements', { kind: 'classad', attributes: requirements });

  const attributes: JobAttributesFromJdl = { userPriority: priority };
  const text = (name: string): string | undefined => getString(jdl, name) || undefined;
  const [jobName, jobType, jobGroup, site] = [text('JobName'), text('JobType'), text('JobGroup'), text('Site')];
  if (jobName) attributes.jobName = jobName;
  if (jobType) attributes.jobType = jobType;
  if (jobGroup) attributes.jobGroup = jobGroup;
  if (site) attributes.site = site.includes(',') ? 'Multiple' : site;
  const inputData = (getList(jdl, 'InputData') ?? []).filter(Boolean);
  for (const [name, value] of [
    ['JobName', jobName],
    ['JobType', jobType],
    ['JobGroup', jobGroup],
    ['Site', attributes.site],
  ] as const) {
    if (value !== undefined) checkStoredText(name, value);
  }
  for (const lfn of inputData) checkStoredText('InputData', lfn);
  return { jdl, attributes, inputData };
}
