/**
 * @module tools/jdl-builder
 * The JDL tools: dirac-agentic's `submit_job` (a JDL built here from flat fields, every value
 * written as DIRAC reads it and one DiracX's JDL cannot carry refused, or the caller's own
 * `jdl_content`) and `validate_jdl` (parse, manifest checks and preparation as submission runs
 * them, without writing). Input sandboxes must be sandboxes already uploaded (`SB:` PFNs) or
 * grid files (`LFN:`): this server cannot read the model's local files, so a local file name is
 * refused with the upload steps instead of being written into a JDL that could never run; files
 * given inline (`input_files`) are stored as a sandbox first (`tools/sandbox-upload`) and named in
 * the JDL's InputSandbox.
 */
import { z } from 'zod';
import type { Config } from '../config/schema.ts';
import type { AuthedUser } from '../core/user.ts';
import { DiracxError, InvalidInputError } from '../core/errors.ts';
import { JdlSyntaxError, type JdlDocument } from '../logic/jobs/jdl/ast.ts';
import { getAttribute, getList } from '../logic/jobs/jdl/attributes.ts';
import { getParameterVectorLength, isParametric } from '../logic/jobs/jdl/parametric.ts';
import { parseJdl } from '../logic/jobs/jdl/parse.ts';
import { checkAndAddOwner } from '../logic/jobs/manifest.ts';
import { prepareSubmittedJob } from '../logic/jobs/prepare.ts';
import { expandJdls, submitJdlJobs } from '../logic/jobs/submit.ts';
import type { SubmissionLimits } from '../logic/jobs/submission-limits.ts';
import { MAX_PFN_LENGTH, SANDBOX_PFN_REGEX, seNameOf } from '../logic/sandboxes/pfn.ts';
import { wmsPolicy } from '../policies/wms.ts';
import { defineTool, READ_ONLY } from './define.ts';
import { createInlineSandbox, InlineFilesSchema } from './sandbox-upload.ts';

/** How to turn local files into an input sandbox (the REST flow DiracX's clients use). */
export const UPLOAD_GUIDANCE =
  "This server cannot read files on your machine. Send their contents instead: submit_job's input_files, or " +
  'create_sandbox and then its pfn in input_sandbox. Over REST: pack them into one tar.bz2 (or tar.zst) ' +
  'archive; POST /api/jobs/sandbox with {"checksum_algorithm": "sha256", "checksum": "<sha256 hex of the archive>", ' +
  '"size": <bytes>, "format": "tar.bz2"}; if the answer\'s "url" is not null, POST its "fields" and then the archive ' +
  'as "file" (multipart/form-data) to that url. Then pass the answer\'s "pfn" (SB:<SE>|/S3/...) in input_sandbox. ' +
  'Grid files can be given as "LFN:/<vo>/...".';

/** Why an input sandbox entry cannot be used, or undefined when it can. */
function sandboxEntryProblem(entry: string): string | undefined {
  const text = entry.trim();
  if (text.startsWith('LFN:')) return undefined;
  if (seNameOf(text) !== undefined) {
    if (text.length <= MAX_PFN_LENGTH && SANDBOX_PFN_REGEX.test(text)) return undefined;
    return (
      `input sandbox entry "${entry}" is not a valid sandbox PFN (expected ` +
      `SB:<SE>|/S3/<bucket>/<vo>/<group>/<user>/sha256:<checksum>.<format>).`
    );
  }
  return `input sandbox entry "${entry}" is a local file name. ${UPLOAD_GUIDANCE}`;
}

function sandboxProblems(entries: readonly string[]): string[] {
  return entries.map(sandboxEntryProblem).filter((p): p is string => p !== undefined);
}

/** The flat job fields of `submit_job`. */
export interface JobFields {
  executable: string;
  arguments?: string | null | undefined;
  job_name: string;
  site?: string | null | undefined;
  input_sandbox?: readonly string[] | null | undefined;
  output_sandbox?: readonly string[] | null | undefined;
  memory?: number | null | undefined;
  max_cpu_time?: number | null | undefined;
}

/**
 * Characters a value cannot carry through DiracX's JDL pipeline: DIRAC's JDL has no escapes, so
 * a `"` ends the string (DiracX refuses the JDL), `;` `[` `]` and line breaks are cut or deleted by
 * its ClassAd reader, and a backslash would reach the job doubled if escaped (or start an escape
 * for our parser if not). Other control characters have no place in a job's fields either.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const UNCARRIABLE = /["\\;[\]\u0000-\u0008\u000a-\u001f\u007f]/;

/** `value` as a JDL string, written as DIRAC reads it (between quotes, no escapes). */
function jdlText(field: string, value: string): string {
  const bad = UNCARRIABLE.exec(value)?.[0];
  if (bad !== undefined) {
    throw new InvalidInputError(
      `${field} cannot hold ${JSON.stringify(bad)}: DiracX's JDL has no escapes, it would refuse or mangle the value`,
    );
  }
  return `"${value}"`;
}

const list = (field: string, items: readonly string[]): string =>
  `{${items.map((item) => jdlText(field, item)).join(', ')}}`;

/**
 * dirac-agentic's `create_basic_jdl`, every string written as DIRAC reads it. `max_cpu_time` is written as
 * `CPUTime`, the attribute DIRAC checks and matches on (dirac-agentic wrote `MaxCPUTime`, which
 * nothing reads); StdOut and StdErr are always in the output sandbox.
 * @throws InvalidInputError for an input sandbox entry that is not an uploaded sandbox or an LFN,
 * or a value DiracX's JDL cannot carry (`UNCARRIABLE`).
 */
export function buildJdl(fields: JobFields): string {
  const problem = sandboxProblems(fields.input_sandbox ?? [])[0];
  if (problem) throw new InvalidInputError(problem);
  const lines = [
    `JobName = ${jdlText('job_name', fields.job_name)};`,
    `Executable = ${jdlText('executable', fields.executable)};`,
  ];
  if (fields.arguments) lines.push(`Arguments = ${jdlText('arguments', fields.arguments)};`);
  lines.push('StdOutput = "StdOut";', 'StdError = "StdErr";');
  if (fields.input_sandbox?.length)
    lines.push(
      `InputSandbox = ${list(
        'input_sandbox',
        fields.input_sandbox.map((e) => e.trim()),
      )};`,
    );
  lines.push(
    `OutputSandbox = ${list('output_sandbox', [...new Set(['StdOut', 'StdErr', ...(fields.output_sandbox ?? [])])])};`,
  );
  if (fields.site) lines.push(`Site = ${jdlText('site', fields.site)};`);
  if (fields.memory) lines.push(`Memory = ${fields.memory};`);
  if (fields.max_cpu_time) lines.push(`CPUTime = ${fields.max_cpu_time};`);
  return `[\n${lines.map((l) => `    ${l}`).join('\n')}\n]`;
}

const JdlError = z.object({
  message: z.string(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
});
export type JdlReport = {
  valid: boolean;
  errors: z.infer<typeof JdlError>[];
  warnings: string[];
  job_count: number;
  parametric: boolean;
};

/** The declared number of parametric jobs, when it can be read at all. */
function declaredLength(doc: JdlDocument): number {
  try {
    return getParameterVectorLength(doc) ?? 0;
  } catch {
    return 0;
  }
}

/** Everything submission would check about `text` for `user`, without writing anything. */
export function analyseJdl(text: string, user: AuthedUser, config: Config, sizeLimits?: SubmissionLimits): JdlReport {
  const report: JdlReport = { valid: false, errors: [], warnings: [], job_count: 0, parametric: false };
  const fail = (err: unknown): void => {
    if (!(err instanceof DiracxError)) throw err;
    if (report.errors.some((e) => e.message === err.message)) return;
    const at = err instanceof JdlSyntaxError ? { line: err.line, column: err.column } : { line: null, column: null };
    report.errors.push({ message: err.message, ...at });
  };
  let doc: JdlDocument;
  try {
    doc = parseJdl(text);
  } catch (err) {
    fail(err);
    return report;
  }
  report.parametric = isParametric(doc);
  for (const problem of sandboxProblems(getList(doc, 'InputSandbox') ?? [])) fail(new InvalidInputError(problem));
  if (getAttribute(doc, 'Executable') === undefined)
    report.warnings.push('No Executable: the job would have nothing to run.');
  let texts: string[] = [];
  try {
    texts = expandJdls([text], [doc], user, sizeLimits).texts;
    report.job_count = texts.length;
  } catch (err) {
    report.job_count = declaredLength(doc);
    fail(err);
  }
  const limits = config.Operations[user.vo]?.JobDescription;
  if (!limits) fail(new InvalidInputError(`VO ${user.vo} is not known to this installation`));
  const who = { owner: user.preferredUsername, ownerGroup: user.diracGroup, vo: user.vo };
  for (const description of texts) {
    if (!limits) break;
    try {
      prepareSubmittedJob(checkAndAddOwner(description, who.owner, who.ownerGroup, limits), 0, who, config);
    } catch (err) {
      fail(err);
    }
  }
  report.valid = report.errors.length === 0;
  return report;
}

const WMS = { kind: 'policy', policy: wmsPolicy } as const;
const text = z.string().min(1);

export const submitJobTool = defineTool({
  name: 'submit_job',
  title: 'Submit a job',
  description:
    'Submit a grid job. Either give executable (plus optional arguments, job_name, site, input_sandbox, ' +
    'output_sandbox, memory in MB, max_cpu_time in seconds) and the JDL is built for you, or give a complete ' +
    'jdl_content (then the other fields are ignored). input_sandbox entries must be PFNs of sandboxes you ' +
    'already uploaded ("SB:SandboxSE|/S3/...") or grid files ("LFN:/..."); local file names are refused with ' +
    'upload instructions. To send files with the job (a script, its input), give their contents in input_files: ' +
    'they become an input sandbox named in the JDL. Returns the new job ids and the JDL submitted. Example: ' +
    'submit_job(executable="run.sh", input_files=[{"name": "run.sh", "content": "#!/bin/sh\nwc -l data.txt\n", ' +
    '"executable": true}, {"name": "data.txt", "content": "a\nb\n"}])',
  input: z.object({
    jdl_content: z.string().nullish().describe('A complete JDL; when given, every other field is ignored.'),
    executable: text.nullish().describe('The program or script to run on the worker node.'),
    job_name: text.default('Auto-generated Job'),
    arguments: z.string().nullish().describe('Command-line arguments, as one string.'),
    site: text.nullish().describe('Run only at this site, e.g. "LCG.CERN.cern".'),
    input_sandbox: z.array(text).nullish().describe('Uploaded sandbox PFNs (SB:...) or LFNs (LFN:...).'),
    input_files: InlineFilesSchema.nullish().describe(
      'Files sent with the job, given inline (as create_sandbox takes them); with executable, not jdl_content.',
    ),
    output_sandbox: z.array(text).nullish().describe('Files to bring back; StdOut and StdErr always are.'),
    memory: z.number().int().positive().nullish().describe('Memory needed, in MB.'),
    max_cpu_time: z.number().int().positive().nullish().describe('CPU time needed, in seconds.'),
  }),
  output: z.object({
    success: z.literal(true),
    job_ids: z.array(z.number().int()),
    jdl: z.string(),
    input_files_sandbox: z.string().optional().describe('The sandbox made of input_files (its pfn), when given.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  access: WMS,
  async run(ctx, args) {
    await ctx.access.check(wmsPolicy, { action: 'create' });
    let jdl: string;
    if (args.input_files?.length) {
      if (args.jdl_content || !args.executable)
        throw new InvalidInputError(
          'input_files go with executable (the JDL is then built here). With jdl_content, call create_sandbox ' +
            "and name its pfn in the JDL's InputSandbox.",
        );
      const fields = { ...args, executable: args.executable };
      buildJdl(fields); // refuses the fields before anything is stored
      const sandbox = await createInlineSandbox(ctx, args.input_files);
      jdl = buildJdl({ ...fields, input_sandbox: [...(args.input_sandbox ?? []), sandbox.pfn] });
      const inserted = await submitJdlJobs(ctx, [jdl]);
      return { success: true as const, job_ids: inserted.map((j) => j.JobID), jdl, input_files_sandbox: sandbox.pfn };
    }
    if (args.jdl_content) {
      jdl = args.jdl_content;
      const problem = sandboxProblems(getList(parseJdl(jdl), 'InputSandbox') ?? [])[0];
      if (problem) throw new InvalidInputError(problem);
    } else if (args.executable) {
      jdl = buildJdl({ ...args, executable: args.executable });
    } else {
      throw new InvalidInputError('Either jdl_content or executable must be provided.');
    }
    const inserted = await submitJdlJobs(ctx, [jdl]);
    return { success: true as const, job_ids: inserted.map((j) => j.JobID), jdl };
  },
});

export const validateJdlTool = defineTool({
  name: 'validate_jdl',
  title: 'Validate a JDL',
  description:
    'Check a JDL exactly as submission would (syntax, VO limits, parametric expansion, ' +
    'preparation) without submitting anything. Returns valid, the errors with line and column ' +
    'where known, warnings, and how many jobs it would create. Example: ' +
    'validate_jdl(jdl_content="[Executable = \\"echo\\"; Parameters = {1, 2, 3}; Arguments = \\"%s\\";]")',
  input: z.object({ jdl_content: text.describe('The JDL to check.') }),
  output: z.object({
    success: z.literal(true),
    valid: z.boolean(),
    errors: z.array(JdlError),
    warnings: z.array(z.string()),
    job_count: z.number().int(),
    parametric: z.boolean(),
  }),
  annotations: { ...READ_ONLY, openWorldHint: false },
  access: WMS,
  async run(ctx, args) {
    // The same policy as submission: "valid" means "you could submit this".
    await ctx.access.check(wmsPolicy, { action: 'create' });
    return { success: true as const, ...analyseJdl(args.jdl_content, ctx.user, ctx.config, ctx.submissionLimits) };
  },
});
