/**
 * @module tools/sandbox-upload
 * Files into a job (issue 20, item 2): an MCP client cannot upload, so `create_sandbox` takes
 * the files inline (text, or base64 for binaries), packs them as DiracX's `create_sandbox` does
 * (`tar.zst`, SHA-256, the same PFN) and stores them through the sandbox store
 * (`logic/sandboxes/inline`), answering the `SB:` PFN a JDL's InputSandbox names. The same files
 * again give the same PFN and are not stored twice. The sandbox policy's `create` applies, as to
 * `POST /api/jobs/sandbox`. `submit_job`'s `input_files` does the same before submitting.
 */
import { z } from 'zod';
import { UnavailableError } from '../core/errors.ts';
import { sandboxContext } from '../logic/sandboxes/context.ts';
import {
  checkInlineFiles,
  MAX_INLINE_FILES,
  storeInlineSandbox,
  type InlineFile,
  type StoredSandbox,
} from '../logic/sandboxes/inline.ts';
import { sandboxPolicy } from '../policies/sandbox.ts';
import { defineTool, type ToolContext } from './define.ts';

/** One file given inline. */
export const InlineFileSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(100)
    .describe('Its path in the sandbox, relative (e.g. "run.sh" or "data/input.txt"); the job sees it there.'),
  content: z.string().nullish().describe('Its text (UTF-8). Give this or content_base64.'),
  content_base64: z.string().nullish().describe('Its bytes in base64, for binary files.'),
  executable: z.boolean().nullish().describe('Make it executable (mode 0755), e.g. for a script.'),
});

export const InlineFilesSchema = z.array(InlineFileSchema).min(1).max(MAX_INLINE_FILES);

/**
 * Checks, packs and stores `files` as a sandbox of the caller, after the sandbox policy's
 * `create`. Nothing is stored when a file is refused.
 */
export async function createInlineSandbox(ctx: ToolContext, files: readonly InlineFile[]): Promise<StoredSandbox> {
  await ctx.access.check(sandboxPolicy, { action: 'create' });
  const members = checkInlineFiles(files, ctx.inlineFilesMaxBytes);
  if (!ctx.sandboxes) throw new UnavailableError('Sandbox store is not configured');
  return storeInlineSandbox(sandboxContext(ctx), members);
}

export const createSandboxTool = defineTool({
  name: 'create_sandbox',
  title: 'Upload files as a sandbox',
  description:
    'Upload files for a job, given inline (text in content, or base64 in content_base64 for binaries), as one ' +
    'input sandbox (a tar.zst archive, as DiracX clients make). Returns its pfn ("SB:SandboxSE|/S3/..."), to list ' +
    "in a JDL's InputSandbox or in submit_job's input_sandbox; the same files give the same pfn. submit_job also " +
    'takes input_files directly. Example: ' +
    'create_sandbox(files=[{"name": "run.sh", "content": "#!/bin/sh\\necho hi\\n", "executable": true}])',
  input: z.object({ files: InlineFilesSchema.describe('The files, each with a unique relative name.') }),
  output: z.object({
    success: z.literal(true),
    pfn: z.string().describe('The sandbox, for InputSandbox.'),
    checksum: z.string(),
    size: z.number().int().describe('Bytes of the archive.'),
    format: z.literal('tar.zst'),
    files: z.array(z.object({ name: z.string(), size: z.number().int() })),
    reused: z.boolean().describe('The same sandbox was already stored; nothing was uploaded.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  access: { kind: 'policy', policy: sandboxPolicy },
  async run(ctx, args) {
    return { success: true as const, ...(await createInlineSandbox(ctx, args.files)) };
  },
});
