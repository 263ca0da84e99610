/**
 * @module mcp/monitor/view/stderr
 * The tail of a job's StdErr, read from its output sandbox by `read_job_sandbox_file`; when there
 * is none (no output sandbox yet, no StdErr in it, not allowed) the view shows the tool's reason.
 */
import type { HostBridge } from './bridge.ts';
import { resultText } from './calls.ts';

/** The tool that reads a file of a job's sandbox, and the lines of StdErr the view shows. */
export const SANDBOX_FILE_TOOL = 'read_job_sandbox_file';
const TAIL_LINES = 40;

export interface StdErrTail {
  readonly text: string;
  /** That earlier lines were left out. */
  readonly notice?: string;
  /** Why there is no text (no output sandbox, no StdErr, a binary file, not allowed...). */
  readonly missing?: string;
}

export async function stderrTail(bridge: HostBridge, jobId: number): Promise<StdErrTail> {
  const result = await bridge.callTool(SANDBOX_FILE_TOOL, { job_id: jobId, path: 'StdErr', tail_lines: TAIL_LINES });
  if (result.isError || !result.structuredContent) {
    // The error envelope's text has no `CODE: ` prefix: this line is for the person, not a model.
    const error = (result.structuredContent as { error?: unknown } | undefined)?.error;
    return { text: '', missing: typeof error === 'string' ? error : resultText(result) };
  }
  const file = result.structuredContent as { content?: string | null; notice?: string | null; truncated?: boolean };
  if (file.content === null || file.content === undefined) return { text: '', missing: file.notice ?? 'Not text.' };
  return { text: file.content, ...(file.truncated ? { notice: `Only the last lines are shown.` } : {}) };
}
