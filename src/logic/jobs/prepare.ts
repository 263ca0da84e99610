/**
 * @module logic/jobs/prepare
 * Turning a checked job description into the job DiracX 0.7.0 stores, with DIRAC's own text
 * pipeline (emulated in `jdl/dirac-*.ts`): at submission the manifest is written out as JDL
 * (`dumpCFGAsJDL`), `%j` becomes the job id, and the text is read as a ClassAd; at rescheduling
 * the original JDL is read as a ClassAd directly. Then DIRAC's `checkAndPrepareJob` (owner,
 * group and VO from the token, a JDL naming another owner or VO refused; the VO's input-data and
 * software-distribution modules when absent; the `JobRequirements` the matcher uses) and
 * `createJDLWithInitialStatus` (the Jobs columns taken from the JDL, the final sorted text).
 */
import type { Config } from '../../config/schema.ts';
import { STORED_TEXT_WIDTHS } from '../../db/job-submission.ts';
import { InvalidInputError } from '../../core/errors.ts';
import type { DiracCfg } from './jdl/dirac-cfg.ts';
import { dumpCfgAsJdl } from './jdl/dirac-cfg.ts';
import { DiracClassAd } from './jdl/dirac-classad.ts';
import { pyStrip } from './jdl/python-text.ts';
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
  jdl: string;
  attributes: JobAttributesFromJdl;
  inputData: string[];
}

export interface RescheduledJob {
  jdl: string;
  site: string;
  userPriority: number;
}

const INT32 = 2n ** 31n;

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

/** The job's `Priority` as DIRAC reads it (0 when absent or not an integer), within the column. */
function userPriority(job: DiracClassAd): number {
  const priority = job.getInt('Priority') ?? 0n;
  // The UserPriority column is a 32-bit integer: DiracX's insert would fail with a 500.
  if (priority < -INT32 || priority >= INT32) throw new InvalidInputError('Priority must be a 32-bit integer');
  return Number(priority);
}

/** DIRAC's `checkAndPrepareJob`: the credentials, the VO's modules, and the requirements in `req`. */
function checkAndPrepareJob(job: DiracClassAd, req: DiracClassAd, who: JobOwner, config: Config): void {
  const operations = config.Operations[who.vo];
  if (!operations) throw new InvalidInputError(`VO ${who.vo} has no Operations section`);
  const [jdlOwner, jdlGroup, jdlVo] = ['Owner', 'OwnerGroup', 'VirtualOrganization'].map((n) => job.getString(n));
  if (jdlOwner && jdlOwner !== who.owner) throw new InvalidInputError('Wrong Owner in JDL');
  if (jdlGroup && jdlGroup !== who.ownerGroup) throw new InvalidInputError('Wrong Owner Group in JDL');
  if (jdlVo && jdlVo !== who.vo) throw new InvalidInputError('Wrong Virtual Organization in JDL');
  for (const ad of [job, req]) {
    ad.setString('Owner', who.owner);
    ad.setString('OwnerGroup', who.ownerGroup);
    ad.setString('VirtualOrganization', who.vo);
  }
  const inputDataModule = operations.InputDataPolicy.InputDataModule;
  if (inputDataModule && !job.has('InputDataModule')) job.setString('InputDataModule', inputDataModule);
  if (operations.SoftwareDistModule && !job.has('SoftwareDistModule'))
    job.setString('SoftwareDistModule', operations.SoftwareDistModule);
  req.setExpression('UserPriority', String(userPriority(job)));
  req.setExpression('CPUTime', String(job.getInt('CPUTime') ?? operations.JobDescription.DefaultCPUTime));
  const platforms = job.getList('Platform');
  if (platforms.length > 0) {
    req.setStrings('Platforms', compatiblePlatforms(platforms, config.Resources.Computing.OSCompatibility));
  }
}

/** `createJDLWithInitialStatus`'s Jobs columns: JobName, JobType, JobGroup, Site, UserPriority. */
function jobAttributes(job: DiracClassAd): JobAttributesFromJdl {
  const attributes: JobAttributesFromJdl = { userPriority: userPriority(job) };
  const [jobName, jobType, jobGroup, site] = ['JobName', 'JobType', 'JobGroup', 'Site'].map((n) => job.getString(n));
  if (jobName) attributes.jobName = jobName;
  if (jobType) attributes.jobType = jobType;
  if (jobGroup) attributes.jobGroup = jobGroup;
  if (site) attributes.site = site.includes(',') ? 'Multiple' : site;
  for (const [name, value] of [
    ['JobName', attributes.jobName],
    ['JobType', attributes.jobType],
    ['JobGroup', attributes.jobGroup],
    ['Site', attributes.site],
  ] as const) {
    if (value !== undefined) checkStoredText(name, value);
  }
  return attributes;
}

/** The requirements inserted as `JobRequirements` and the final text (`asJDL`, sorted). */
function finalJdl(job: DiracClassAd, req: DiracClassAd): string {
  job.setExpression('JobRequirements', req.asJdl());
  return job.asJdl();
}

/**
 * Job `jobId` as DiracX's `create_jdl_jobs` stores it, from its checked manifest (see
 * `checkAndAddOwner`). The manifest gets `JobID` set.
 */
export function prepareSubmittedJob(manifest: DiracCfg, jobId: number, who: JobOwner, config: Config): PreparedJob {
  manifest.setOption('JobID', String(jobId));
  const job = new DiracClassAd(dumpCfgAsJdl(manifest).replaceAll('%j', String(jobId)));
  if (!job.isOK()) throw new InvalidInputError('Error in JDL syntax'); // an empty value empties DIRAC's ClassAd
  job.setExpression('JobID', String(jobId));
  const req = new DiracClassAd('[]');
  checkAndPrepareJob(job, req, who, config);
  const attributes = jobAttributes(job);
  const inputData = job.has('InputData') ? job.getList('InputData').filter(Boolean) : [];
  for (const lfn of inputData) checkStoredText('InputData', lfn);
  return { jdl: finalJdl(job, req), attributes, inputData };
}

/** Job `jobId` prepared again from its original JDL, as DiracX's `reschedule_jobs` does. */
export function prepareRescheduledJob(
  originalJdl: string,
  jobId: number,
  who: JobOwner,
  config: Config,
): RescheduledJob {
  const text = pyStrip(originalJdl).startsWith('[') ? originalJdl : `[${originalJdl}]`;
  const job = new DiracClassAd(text);
  job.setExpression('JobID', String(jobId));
  const req = new DiracClassAd('[]');
  checkAndPrepareJob(job, req, who, config);
  const sites = job.getList('Site');
  const site = sites.length === 0 ? 'ANY' : sites.length > 1 ? 'Multiple' : (sites[0] ?? 'ANY');
  return { jdl: finalJdl(job, req).replaceAll('%j', String(jobId)), site, userPriority: userPriority(job) };
}
