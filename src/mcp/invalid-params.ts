/**
 * @module mcp/invalid-params
 * Invalid tool arguments are JSON-RPC invalid-params errors (-32602), checked before the call
 * reaches the SDK (which would answer them as tool results): a `tools/call` naming a known tool
 * whose arguments fail its input schema gets the error, naming each bad argument.
 */
import type { ToolDef } from '../tools/define.ts';

const INVALID_PARAMS = -32602;

interface ToolCall {
  id?: unknown;
  method?: unknown;
  params?: { name?: unknown; arguments?: unknown };
}

/** The JSON-RPC error response for `body`, or undefined when its arguments are fine. */
export function invalidToolArguments(body: unknown, tools: readonly ToolDef[]): Response | undefined {
  const message = (body ?? {}) as ToolCall;
  if (message.method !== 'tools/call' || typeof message.params?.name !== 'string') return undefined;
  const tool = tools.find((t) => t.name === message.params?.name);
  if (!tool) return undefined;
  const parsed = tool.input.safeParse(message.params.arguments ?? {});
  if (parsed.success) return undefined;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
  const error = { code: INVALID_PARAMS, message: `Invalid arguments for tool ${tool.name}: ${problems}` };
  return new Response(JSON.stringify({ jsonrpc: '2.0', id: message.id ?? null, error }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}
