/**
 * @module mcp/tool-arguments
 * Tool arguments are validated here, once, before a call reaches the SDK: a `tools/call` naming
 * a known tool whose arguments fail its input schema is answered with a JSON-RPC invalid-params
 * error (-32602) naming each bad argument (the SDK would answer a tool result); valid arguments
 * are replaced by their parsed form (defaults applied), which the SDK then takes as they are
 * (`listedOnly` below). Batches (2025-03-26 clients) are checked element by element; one bad
 * call refuses the whole batch.
 */
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { ToolDef } from '../tools/define.ts';
import { jsonRpcErrorResponse } from './json-rpc-error.ts';

const INVALID_PARAMS = -32602;

interface ToolCall {
  id?: unknown;
  method?: unknown;
  params?: { name?: unknown; arguments?: unknown };
}

/** What a tool's input schema makes of a call's arguments. */
type Checked = { ok: true; message: unknown } | { ok: false; error: Response };

function refusal(id: unknown, tool: string, error: z.ZodError): Response {
  const problems = error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
  return jsonRpcErrorResponse(200, INVALID_PARAMS, `Invalid arguments for tool ${tool}: ${problems}`, id ?? null);
}

function checkOne(message: unknown, tools: ReadonlyMap<string, ToolDef>, inBatch: boolean): Checked {
  const call = (message ?? {}) as ToolCall;
  if (call.method !== 'tools/call' || typeof call.params?.name !== 'string') return { ok: true, message };
  const tool = tools.get(call.params.name);
  if (!tool) return { ok: true, message };
  const parsed = tool.input.safeParse(call.params.arguments ?? {});
  if (!parsed.success) return { ok: false, error: refusal(inBatch ? null : call.id, tool.name, parsed.error) };
  return { ok: true, message: { ...call, params: { ...call.params, arguments: parsed.data } } };
}

/** `body` with every tool call's arguments parsed, or the response refusing it. */
export function checkToolArguments(body: unknown, tools: ReadonlyMap<string, ToolDef>): { body: unknown } | Response {
  if (!Array.isArray(body)) {
    const checked = checkOne(body, tools, false);
    return checked.ok ? { body: checked.message } : checked.error;
  }
  const messages: unknown[] = [];
  for (const message of body) {
    const checked = checkOne(message, tools, true);
    if (!checked.ok) return checked.error;
    messages.push(checked.message);
  }
  return { body: messages };
}

/**
 * `schema` as the SDK sees it when something else guarantees the values: listed as the same JSON
 * Schema, while the SDK's own validation takes every value as it is.
 */
export function listedOnly(schema: z.ZodType): StandardSchemaWithJSON {
  return {
    '~standard': {
      version: 1,
      vendor: 'diracx-ts',
      validate: (value) => ({ value }),
      jsonSchema: schema['~standard'].jsonSchema,
    },
  };
}
