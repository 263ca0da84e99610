import { PRODUCTION_MANAGEMENT } from '../../config/properties.ts';
import { allocateJobIds, insertSubmittedJobs, type SubmittedJob } from '../../db/job-submission.ts';
import type { AuthedUser } from '../../core/user.ts';
import { hasProperty } from '../../core/user.ts';
import { DiracxError, InvalidInputError } from '../../core/errors.ts';
import type { JdlDocument } from './jdl/ast.ts';
import { generateParametricJobs, isParametric } from './jdl/parametric.ts';
import { parseJdl } from './jdl/parse.ts';
import { DiracClassAd } from './jdl/dirac-classad.ts';
import { checkTemplateStrings, generateParametricJdls } from './jdl/dirac-parametric.ts';
import { pyStrip } from './jdl/python-text.ts';
import { assignInputSandboxes, inputSandboxPfns } from '../sandboxes/input.ts';
import { checkAndAddOwner } from './manifest.ts';
import { prepareSubmittedJob } from './prepare.ts';
import { checkJobSizes, DEFAULT_SUBMISSION_LIMITS, type SubmissionLimits } from './submission-limits.ts';
import type { LogicContext } from '../call-context.ts';

/** DiracX's limit for one request (`MAX_PARAMETRIC_JOBS`). */
export const MAX_JOBS_PER_SUBMISSION = 20;
/** Our limit for production managers, who submit in bulk (DiracX has none for anyone). */
export const MAX_JOBS_PER_BULK_SUBMISSION = 10_000;

export type SubmitContext = Pick<LogicContext, 'database' | 'config' | 'user' | 'now' | 'submissionLimits'>;

/** One created job as DiracX returns it. */
export interface InsertedJob {
  JobID: number;
  Status: string;
  MinorStatus: string;
  TimeStamp: Date;
}

/** Parses each JDL; an error names the JDL (when there are several) and the line and column. */
function parseAll(jdls: readonly string[]): JdlDocument[] {
  return jdls.map((text, index) => {
    try {
      return parseJdl(text);
    } catch (err) {
      if (err instanceof DiracxError && jdls.length > 1)
        throw new InvalidInputError(`JDL ${index + 1}: ${err.message}`);
      throw err;
    }
  });
}

/** DiracX's first step: the text stripped, and wrapped in `[ ]` unless it already is. */
export function wrapJdl(text: string): string {
  const stripped = pyStrip(text);
  return stripped.startsWith('[') && stripped.endsWith(']') ? stripped : `[${stripped}]`;
}

/** The jobs a request stands for: each one's description, its text as DiracX stores it, and whether parametric. */
export function expandJdls(
  jdls: readonly string[],
  docs: JdlDocument[],
  user: AuthedUser,
  limits: SubmissionLimits | undefined,
): { descriptions: JdlDocument[]; texts: string[]; parametric: boolean } {
  const limit = hasProperty(user, PRODUCTION_MANAGEMENT) ? MAX_JOBS_PER_BULK_SUBMISSION : MAX_JOBS_PER_SUBMISSION;
  const tooMany = (): InvalidInputError =>
    new InvalidInputError(`Normal user cannot submit more than ${limit} jobs at once`);
  if (docs.length === 0) throw new InvalidInputError('No JDL given');
  const [first] = docs;
  const texts = jdls.map(wrapJdl);
  // DiracX reads each text as a ClassAd first (to find parametric ones): where that reader fails
  // or never finishes, the submission stops there.
  for (const text of texts) new DiracClassAd(text);
  if (docs.length === 1 && first && isParametric(first)) {
    const descriptions = generateParametricJobs(first, { maxJobs: limit, limits });
    checkTemplateStrings(first);
    const generated = generateParametricJdls(texts[0] ?? '', descriptions.length);
    return { descriptions, texts: generated, parametric: true };
  }
  if (docs.some(isParametric)) throw new InvalidInputError('You cannot submit parametric jobs in a bulk fashion');
  if (docs.length > limit) throw tooMany();
  return { descriptions: docs, texts, parametric: false };
}

const encoder = new TextEncoder();
// biome-ignore lint/suspicious/noControlCharactersInRegex: all of ASCII, NUL included, is one UTF-8 byte per character
const utf8Length = (text: string): number => (/^[\x00-\x7f]*$/.test(text) ? text.length : encoder.encode(text).length);

/** Submits the JDLs as the context's user; returns the jobs created, in order. */
export async function submitJdlJobs(ctx: SubmitContext, jdls: readonly string[]): Promise<InsertedJob[]> {
  const { user, config } = ctx;
  const limits = config.Operations[user.vo]?.JobDescription;
  if (!limits) throw new InvalidInputError(`VO ${user.vo} is not known to this installation`);
  const sizeLimits = ctx.submissionLimits ?? DEFAULT_SUBMISSION_LIMITS;
  // Before parsing (a JDL's tree is several times its text); not a parametric template (only a
  // single JDL naming `Parameters` can be one), which holds the values of every job: its
  // expansion is sized instead.
  if (jdls.length > 1 || !jdls[0]?.includes('Parameters')) checkJobSizes(jdls.map(utf8Length), sizeLimits);
  const { descriptions, texts, parametric } = expandJdls(jdls, parseAll(jdls), user, sizeLimits);
  checkJobSizes(texts.map(utf8Length), sizeLimits); // as stored, whatever the expansion's estimate said
  const manifests = texts.map((text) => checkAndAddOwner(text, user.preferredUsername, user.diracGroup, limits));
  const [status, minorStatus] = parametric
    ? ['Submitting', 'Bulk transaction confirmation']
    : ['Received', 'Job accepted'];
  const now = ctx.now();
  const who = { owner: user.preferredUsername, ownerGroup: user.diracGroup, vo: user.vo };

  return ctx.database.transaction(async (tx) => {
    const ids = await allocateJobIds(tx, manifests.length);
    const submitted: SubmittedJob[] = manifests.map((manifest, i) => {
      // biome-ignore lint/style/noNonNullAssertion: allocateJobIds gives one id per manifest
      const jobId = ids[i]!;
      const prepared = prepareSubmittedJob(manifest, jobId, who, config);
      // biome-ignore lint/style/noNonNullAssertion: manifests are mapped from texts
      const originalJdl = texts[i]!;
      // After the column checks, which name the attribute: PostgreSQL text cannot hold NUL (a
      // raw one inside a string; DIRAC's JDL has no escapes, so `\u0000` is six characters).
      if (prepared.jdl.includes('\u0000') || originalJdl.includes('\u0000'))
        throw new InvalidInputError('A JDL must not contain NUL characters');
      return {
        jdl: { jobId, jdl: prepared.jdl, jobRequirements: '', originalJdl },
        job: {
          jobId,
          ...prepared.attributes,
          owner: who.owner,
          ownerGroup: who.ownerGroup,
          vo: who.vo,
          submissionTime: now,
          lastUpdateTime: now,
          status,
          minorStatus,
          verifiedFlag: true,
        },
        inputData: prepared.inputData,
        logging: {
          jobId,
          status,
          minorStatus,
          applicationStatus: 'Unknown',
          timeUs: now.getTime() * 1000,
          source: 'JobManager',
        },
      };
    });
    await insertSubmittedJobs(tx, submitted);
    // biome-ignore lint/style/noNonNullAssertion: one id per description (texts and descriptions match)
    await assignInputSandboxes(tx, user, new Map(ids.map((id, i) => [id, inputSandboxPfns(descriptions[i]!)])));
    return ids.map((JobID) => ({ JobID, Status: status, MinorStatus: minorStatus, TimeStamp: now }));
  });
}
