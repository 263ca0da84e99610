/**
 * @module mcp/monitor/view/stderr
 * The tail of a job's StdErr, read from its output sandbox by the sandbox file tool; a job
 * without one (or a server without that tool) shows why instead.
 */
import type { HostBridge } from './bridge.ts';
import { resultText } from './calls.ts';

/** The tool that reads a file of a job's sandbox, and the lines of StdErr the view shows. */
export const SANDBOX_FILE_TOOL = 'read_job_file';
const TAIL_LINES = 40;

export interface StdErrTail {
  readonly text: string;
  /** Why there is no text (no output sandbox, no StdErr, not allowed...). */
  readonly missing?: string;
}

export async function stderrTail(bridge: HostBridge, jobId: number): Promise<StdErrTail> {
  const result = await bridge.callTool(SANDBOX_FILE_TOOL, { job_id: jobId, file: 'StdErr', tail_lines: TAIL_LINES });
  if (result.isError) return { text: '', missing: resultText(result) };
  const content = result.structuredContent as { text?: string; content?: string } | undefined;
  return { text: content?.text ?? content?.content ?? '' };
}
