/**
 * @module mcp/monitor/view/calls
 * Tool calls through the host, typed: the structured result, or an `Error` carrying the
 * tool's own error text (which says what went wrong and that nothing changed).
 */
import type { HostBridge, ToolResult } from './bridge.ts';

/** The text of a result (its first text block). */
export const resultText = (result: ToolResult): string =>
  result.content?.find((c) => c.type === 'text')?.text ?? 'The tool gave no answer.';

export async function call<T>(bridge: HostBridge, tool: string, args: Record<string, unknown>): Promise<T> {
  const result = await bridge.callTool(tool, args);
  if (result.isError || !result.structuredContent) throw new Error(resultText(result));
  return result.structuredContent as T;
}
