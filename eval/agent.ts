/**
 * @module eval/agent
 * What an evaluated agent is: given the user's request, the MCP tools as `tools/list` describes
 * them and a way to call one, it works and returns its final answer. The runner hands it a
 * `call` that goes to the real `/mcp` endpoint and records each call in the transcript.
 */
import { z } from 'zod';

/** One tool as `tools/list` gives it. */
export interface ToolInfo {
  name: string;
  description: string;
  /** The tool's input JSON Schema (an object schema). */
  inputSchema: Record<string, unknown>;
  annotations: { readOnlyHint?: boolean; destructiveHint?: boolean };
}

/** What a tool call came back with. */
export interface ToolOutcome {
  isError: boolean;
  /** The text content (for an error: `CODE: message hint`). */
  text: string;
  /** The structured result of a successful call. */
  structured: Record<string, unknown> | undefined;
}

export interface AgentTask {
  request: string;
  tools: ToolInfo[];
  call(name: string, args: Record<string, unknown>): Promise<ToolOutcome>;
}

export interface Agent {
  name: string;
  run(task: AgentTask): Promise<{ answer: string }>;
}

/** One recorded call: the tool, its arguments, and what came back. */
export interface TranscriptEntry {
  tool: string;
  args: Record<string, unknown>;
  isError: boolean;
  /** The error code (`FORBIDDEN`, `NOT_FOUND`, `INVALID_PARAMS`, ...) of a failed call. */
  error: string | undefined;
  result: Record<string, unknown> | undefined;
}

/** The error code at the start of an error text (`FORBIDDEN: Forbidden. ...`). */
export function errorCode(text: string): string | undefined {
  return /^([A-Z_]+):/.exec(text)?.[1];
}

const Property = z.looseObject({ description: z.string().optional(), type: z.unknown().optional() });
const ObjectSchema = z.looseObject({
  properties: z.record(z.string(), Property).default({}),
  required: z.array(z.string()).default([]),
});

/** The input properties (name → description) and the required ones of a tool. */
export function inputProperties(tool: ToolInfo): {
  properties: Record<string, { description?: string | undefined }>;
  required: string[];
} {
  const parsed = ObjectSchema.safeParse(tool.inputSchema);
  return parsed.success ? parsed.data : { properties: {}, required: [] };
}
