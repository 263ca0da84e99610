/**
 * @module eval/model/chat-format
 * How the local model server turns an OpenAI chat-completions request into a prompt, a grammar
 * and back. A small model has no tool-calling template of its own, so the server gives it one:
 * the tools are listed compactly in the system message, and the reply is held by a grammar to
 * one JSON object, either `{"tool": <name>, "arguments": {...}}` (with each tool's arguments
 * held to its input schema) or `{"answer": "..."}`. Earlier tool calls appear in the history in
 * that same form, and tool results as user turns (`Result of <tool>: ...`, cut to a length).
 * `tool_choice` narrows the grammar: `none` allows only an answer, `required` only a tool call,
 * a named function only that tool. Pure: no model or runtime here.
 */
import { z } from 'zod';
import { toGrammarSchema, type GrammarSchema } from './grammar-schema.ts';

const ToolCallIn = z.object({
  id: z.string().optional(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string().nullish() }),
});
const Message = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer', 'user']), content: z.string() }),
  z.object({
    role: z.literal('assistant'),
    content: z.string().nullish(),
    tool_calls: z.array(ToolCallIn).nullish(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: z.string() }),
]);
const Tool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});
export const ChatRequest = z.object({
  model: z.string().optional(),
  messages: z.array(Message).min(1),
  tools: z.array(Tool).optional(),
  tool_choice: z
    .union([
      z.enum(['auto', 'none', 'required']),
      z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
    ])
    .optional(),
  max_tokens: z.number().int().positive().optional(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;
type Tool = z.infer<typeof Tool>;

/** A turn of the history as the llama runtime takes it. */
export type HistoryItem =
  | { type: 'system'; text: string }
  | { type: 'user'; text: string }
  | { type: 'model'; response: string[] };

export interface Prompt {
  history: HistoryItem[];
  grammar: GrammarSchema;
}

export interface FormatOptions {
  /** Tool results longer than this are cut, with a note saying so. */
  maxToolResultChars: number;
}

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max)} ... (cut: ${text.length - max} more characters)`;

function typeLabel(schema: unknown): string {
  const s = z.looseObject({ type: z.unknown(), enum: z.array(z.unknown()).optional() }).safeParse(schema);
  if (!s.success) return 'any';
  if (s.data.enum) return s.data.enum.map((v) => JSON.stringify(v)).join('|');
  if (Array.isArray(s.data.type)) return s.data.type.filter((t) => t !== 'null').join('|');
  return typeof s.data.type === 'string' ? s.data.type : 'any';
}

/** One tool as a few lines: `name(arg: type, opt?: type) - description`, then its arguments. */
export function describeTool(tool: Tool): string {
  const params = z
    .looseObject({
      properties: z.record(z.string(), z.looseObject({ description: z.string().optional() })).default({}),
      required: z.array(z.string()).default([]),
    })
    .safeParse(tool.function.parameters ?? {});
  const props = params.success ? params.data.properties : {};
  const required = params.success ? params.data.required : [];
  const signature = Object.entries(props)
    .map(([name, p]) => `${name}${required.includes(name) ? '' : '?'}: ${typeLabel(p)}`)
    .join(', ');
  const lines = [`- ${tool.function.name}(${signature}): ${tool.function.description ?? ''}`.trim()];
  for (const [name, p] of Object.entries(props))
    if (p.description) lines.push(`    ${name}: ${clip(p.description, 160)}`);
  return lines.join('\n');
}

const REPLY_RULES =
  'Reply with exactly one JSON object. To call a tool: {"tool": "<tool name>", "arguments": {<its arguments>}}. ' +
  'You then get its result and may call another tool. When you have what the user asked for, or a tool refused, ' +
  'reply {"answer": "<your answer for the user, with the job ids and facts you found>"}.';

function toolSection(tools: readonly Tool[]): string {
  return tools.length === 0 ? '' : `\n\nTools:\n${tools.map(describeTool).join('\n')}\n\n${REPLY_RULES}`;
}

/** The grammar the reply must follow, for the tools allowed by `tool_choice`. */
export function replyGrammar(tools: readonly Tool[], choice: ChatRequest['tool_choice']): GrammarSchema {
  const answer: GrammarSchema = {
    type: 'object',
    properties: { answer: { type: 'string' } },
    required: ['answer'],
    additionalProperties: false,
  };
  if (choice === 'none' || tools.length === 0) return answer;
  const allowed = typeof choice === 'object' ? tools.filter((t) => t.function.name === choice.function.name) : tools;
  if (allowed.length === 0) throw new Error(`tool_choice names a function that is not in tools`);
  const calls: GrammarSchema[] = allowed.map((t) => ({
    type: 'object',
    properties: {
      tool: { const: t.function.name },
      arguments: toGrammarSchema(t.function.parameters ?? { type: 'object' }),
    },
    required: ['tool', 'arguments'],
    additionalProperties: false,
  }));
  return { oneOf: choice === undefined || choice === 'auto' ? [...calls, answer] : calls };
}

/** The history (system with tools, turns) and grammar for a request. */
export function toPrompt(request: ChatRequest, options: FormatOptions): Prompt {
  const tools = request.tools ?? [];
  const names = new Map<string, string>();
  const system: string[] = [];
  const turns: HistoryItem[] = [];
  const addUser = (text: string) => {
    const last = turns.at(-1);
    if (last?.type === 'user') last.text = `${last.text}\n\n${text}`;
    else turns.push({ type: 'user', text });
  };
  for (const m of request.messages) {
    if (m.role === 'tool')
      addUser(`Result of ${names.get(m.tool_call_id) ?? 'the tool'}: ${clip(m.content, options.maxToolResultChars)}`);
    else if (m.role !== 'assistant') {
      if (m.role === 'user') addUser(m.content);
      else system.push(m.content);
    } else {
      const calls = (m.tool_calls ?? []).map((c, i) => {
        names.set(c.id ?? `call_${i}`, c.function.name);
        return `{"tool": ${JSON.stringify(c.function.name)}, "arguments": ${c.function.arguments || '{}'}}`;
      });
      const text = calls.length > 0 ? calls.join('\n') : JSON.stringify({ answer: m.content ?? '' });
      turns.push({ type: 'model', response: [text] });
    }
  }
  const history: HistoryItem[] = [{ type: 'system', text: `${system.join('\n\n')}${toolSection(tools)}`.trim() }];
  return { history: [...history, ...turns], grammar: replyGrammar(tools, request.tool_choice) };
}

const Reply = z.union([
  z.object({ tool: z.string(), arguments: z.record(z.string(), z.unknown()).default({}) }),
  z.object({ answer: z.string() }),
]);

/** The assistant message and finish reason for what the model wrote. */
export function toChoice(
  text: string,
  callId: string,
): {
  message: {
    role: 'assistant';
    content: string | null;
    tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  };
  finish_reason: 'stop' | 'tool_calls' | 'length';
} {
  let parsed: z.infer<typeof Reply> | undefined;
  try {
    const r = Reply.safeParse(JSON.parse(text));
    parsed = r.success ? r.data : undefined;
  } catch {
    parsed = undefined;
  }
  // The grammar only lets an unparsable reply through when the token cap cut it short.
  if (!parsed) return { message: { role: 'assistant', content: text }, finish_reason: 'length' };
  if ('answer' in parsed) return { message: { role: 'assistant', content: parsed.answer }, finish_reason: 'stop' };
  return {
    message: {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: callId, type: 'function', function: { name: parsed.tool, arguments: JSON.stringify(parsed.arguments) } },
      ],
    },
    finish_reason: 'tool_calls',
  };
}
