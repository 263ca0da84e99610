/**
 * @module tools/sandbox-files
 * Files out of a job (issue 20, item 3): `list_job_sandbox_files` lists what a job's output (or
 * input) sandboxes hold, `read_job_sandbox_file` returns one text file of them (StdOut, StdErr, a
 * log) by byte range or tail, at most `MAX_READ_BYTES` a call, saying where the slice lies and
 * how to read on when it is not the whole file; a binary file is described, not returned. The
 * archives stream from the store (`logic/sandboxes/files`). Access as the sandbox download route
 * plus the job: the WMS policy's `read` of the job, then the sandbox policy's `read` of each
 * sandbox (owner, or a job of the caller's, or an administrator of the VO).
 */
import { z } from 'zod';
import { getJobSandbox } from '../logic/sandboxes/assign.ts';
import { sandboxContext } from '../logic/sandboxes/context.ts';
import { listSandboxFiles, readSandboxFile, type ReadRange } from '../logic/sandboxes/files.ts';
import { shortPfn } from '../logic/sandboxes/pfn.ts';
import { sandboxPolicy } from '../policies/sandbox.ts';
import { wmsPolicy } from '../policies/wms.ts';
import { NotFoundError, UnavailableError } from '../core/errors.ts';
import { defineTool, READ_ONLY, type ToolContext } from './define.ts';
import { JobId } from './jobs.ts';

/** Most bytes of a file one call returns. */
export const MAX_READ_BYTES = 64 * 1024;
/** Default bytes of a file one call returns. */
export const DEFAULT_READ_BYTES = 16 * 1024;
/** Most members listed per sandbox. */
export const MAX_LISTED_FILES = 1000;

const WMS = { kind: 'policy', policy: wmsPolicy } as const;
const SandboxType = z
  .enum(['output', 'input'])
  .default('output')
  .describe('Which sandboxes: "output" (what the job produced: StdOut, StdErr, logs) or "input".');

/** The job's sandboxes of `type`, after the checks the download route and the job need. */
async function readableSandboxes(ctx: ToolContext, jobId: number, type: 'input' | 'output'): Promise<string[]> {
  await ctx.access.check(wmsPolicy, { action: 'read', jobIds: [jobId] });
  const pfns = await getJobSandbox(ctx.database, jobId, type);
  if (pfns.length === 0) return pfns;
  if (!ctx.sandboxes) throw new UnavailableError('Sandbox store is not configured');
  const store = { bucketName: ctx.sandboxes.settings.bucketName, seName: ctx.sandboxes.settings.seName };
  for (const pfn of pfns) await ctx.access.check(sandboxPolicy, { action: 'read', pfns: [shortPfn(pfn)], store });
  return pfns;
}

const ListedFile = z.object({
  name: z.string(),
  size: z.number().int(),
  type: z.enum(['file', 'directory', 'symlink', 'hardlink', 'other']),
  link_name: z.string().optional(),
});

export const listJobSandboxFilesTool = defineTool({
  name: 'list_job_sandbox_files',
  title: 'List files in a job sandbox',
  description:
    "The files inside one of your jobs' output (or input) sandboxes: name, size and type of each, read from the " +
    'stored archive. Use read_job_sandbox_file to read one. Example: list_job_sandbox_files(job_id=1234)',
  input: z.object({ job_id: JobId.describe('The job id.'), sandbox_type: SandboxType }),
  output: z.object({
    success: z.literal(true),
    job_id: z.number().int(),
    sandbox_type: z.enum(['output', 'input']),
    sandboxes: z.array(
      z.object({
        pfn: z.string(),
        compression: z.enum(['zstd', 'bzip2', 'gzip', 'none']),
        files: z.array(ListedFile),
        truncated: z.boolean().describe(`More than ${MAX_LISTED_FILES} files: only the first are listed.`),
      }),
    ),
    notice: z.string().nullable(),
  }),
  annotations: READ_ONLY,
  access: WMS,
  async run(ctx, args) {
    const pfns = await readableSandboxes(ctx, args.job_id, args.sandbox_type);
    const sandboxes = [];
    for (const pfn of pfns)
      sandboxes.push({ pfn, ...(await listSandboxFiles(sandboxContext(ctx), pfn, MAX_LISTED_FILES)) });
    return {
      success: true as const,
      job_id: args.job_id,
      sandbox_type: args.sandbox_type,
      sandboxes,
      notice: pfns.length === 0 ? `Job ${args.job_id} has no ${args.sandbox_type} sandbox.` : null,
    };
  },
});

function notice(
  args: { job_id: number; path: string; sandbox_type: string },
  read: { start: number; end: number; size: number },
): string | null {
  if (read.start === 0 && read.end === read.size) return null;
  const more = [
    read.start > 0 ? `offset=${Math.max(0, read.start - DEFAULT_READ_BYTES)} for what comes before` : '',
    read.end < read.size ? `offset=${read.end} for what follows` : '',
  ].filter(Boolean);
  return (
    `TRUNCATED: showing bytes ${read.start}-${read.end} of ${read.size}. To read more, call ` +
    `read_job_sandbox_file(job_id=${args.job_id}, path="${args.path}", sandbox_type="${args.sandbox_type}") ` +
    `with ${more.join(', or ')}.`
  );
}

export const readJobSandboxFileTool = defineTool({
  name: 'read_job_sandbox_file',
  title: 'Read a file in a job sandbox',
  description:
    "One text file inside one of your jobs' output (or input) sandboxes, e.g. StdErr, StdOut or a log: from " +
    `offset, or its tail (tail_lines, or the last max_bytes bytes with tail=true); at most ${MAX_READ_BYTES} ` +
    'bytes a call, with a notice saying how to read on when the file is longer. Binary files are described ' +
    '(size, kind), not returned. Example: read_job_sandbox_file(job_id=1234, path="StdErr", tail_lines=50)',
  input: z.object({
    job_id: JobId.describe('The job id.'),
    path: z.string().min(1).max(1024).describe('The file, as list_job_sandbox_files names it (e.g. "StdErr").'),
    sandbox_type: SandboxType,
    offset: z.number().int().min(0).default(0).describe('First byte to return (ignored for a tail).'),
    max_bytes: z
      .number()
      .int()
      .min(1)
      .max(MAX_READ_BYTES)
      .default(DEFAULT_READ_BYTES)
      .describe(`Most bytes to return (default ${DEFAULT_READ_BYTES}, at most ${MAX_READ_BYTES}).`),
    tail: z.boolean().default(false).describe('Return the end of the file (the last max_bytes bytes).'),
    tail_lines: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe('Return the last this many lines (within max_bytes); implies tail.'),
  }),
  output: z.object({
    success: z.literal(true),
    job_id: z.number().int(),
    sandbox_type: z.enum(['output', 'input']),
    pfn: z.string(),
    path: z.string(),
    size: z.number().int().describe('The whole file, in bytes.'),
    kind: z.enum(['text', 'binary', 'link']),
    content: z.string().nullable().describe('The text read; null for binary files and links.'),
    start: z.number().int().nullable().describe('First byte of content in the file.'),
    end: z.number().int().nullable().describe('The byte after the last of content.'),
    truncated: z.boolean().describe('content is not the whole file.'),
    notice: z.string().nullable().describe('What was left out and how to read it, or what a binary file is.'),
  }),
  annotations: READ_ONLY,
  access: WMS,
  async run(ctx, args) {
    const pfns = await readableSandboxes(ctx, args.job_id, args.sandbox_type);
    if (pfns.length === 0) throw new NotFoundError(`Job ${args.job_id} has no ${args.sandbox_type} sandbox (yet)`);
    const range: ReadRange =
      args.tail || args.tail_lines !== undefined
        ? { kind: 'tail', maxBytes: args.max_bytes, lines: args.tail_lines }
        : { kind: 'range', offset: args.offset, maxBytes: args.max_bytes };
    let lastError: unknown;
    for (const pfn of pfns) {
      let read: Awaited<ReturnType<typeof readSandboxFile>>;
      try {
        read = await readSandboxFile(sandboxContext(ctx), pfn, args.path, range);
      } catch (err) {
        // Another of the job's sandboxes may hold it.
        if (pfns.length > 1 && err instanceof NotFoundError) {
          lastError = err;
          continue;
        }
        throw err;
      }
      const base = { success: true as const, job_id: args.job_id, sandbox_type: args.sandbox_type, pfn };
      const file = { ...base, path: args.path, size: read.size, kind: read.kind };
      if (read.kind !== 'text') {
        const what = read.kind === 'binary' ? `Binary file (${read.description}, ${read.size} bytes): not shown.` : '';
        const description = read.kind === 'link' ? `A ${read.description}.` : what;
        return { ...file, content: null, start: null, end: null, truncated: false, notice: description };
      }
      const truncated = read.start > 0 || read.end < read.size;
      return {
        ...file,
        content: read.content,
        start: read.start,
        end: read.end,
        truncated,
        notice: notice(args, read),
      };
    }
    throw lastError;
  },
});
