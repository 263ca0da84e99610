/**
 * @module eval/agents/openai
 * An agent driven by any OpenAI-compatible chat-completions endpoint (OpenAI, or a local
 * llama.cpp, vLLM or Ollama server): the MCP tools are offered as functions with their input
 * JSON Schemas, every tool call the model makes goes to MCP and its result comes back as a
 * `tool` message (JSON text), until the model answers without tool calls or the step cap is
 * reached. Configured by `EVAL_MODEL_URL` (the base URL, e.g. `http://127.0.0.1:8080/v1`),
 * `EVAL_MODEL` and optionally `EVAL_API_KEY` (bearer), `EVAL_MAX_STEPS` (default 8) and
 * `EVAL_FIRST_TOOL_CHOICE` (`auto`, the default, or `required`: the first round must call a tool,
 * which keeps a small model from answering from thin air). Plain `fetch`, no SDK.
 */
import { z } from 'zod';
import type { Agent, AgentTask, ToolOutcome } from '../agent.ts';

export interface OpenAiConfig {
  url: string;
  model: string;
  apiKey: string | undefined;
  maxSteps: number;
  /** The `tool_choice` of the first round; later rounds are `auto`. */
  firstToolChoice: 'auto' | 'required';
}

/** The configuration from the environment, or undefined when no endpoint is set. */
export function openAiConfigFromEnv(env: Record<string, string | undefined>): OpenAiConfig | undefined {
  const url = env.EVAL_MODEL_URL?.trim();
  const model = env.EVAL_MODEL?.trim();
  if (!url || !model) return undefined;
  const steps = Number(env.EVAL_MAX_STEPS ?? 8);
  return {
    url: url.replace(/\/+$/, ''),
    model,
    apiKey: env.EVAL_API_KEY?.trim() || undefined,
    maxSteps: Number.isInteger(steps) && steps > 0 ? steps : 8,
    firstToolChoice: env.EVAL_FIRST_TOOL_CHOICE?.trim() === 'required' ? 'required' : 'auto',
  };
}

export const SYSTEM_PROMPT =
  'You help a user of the DIRAC grid manage their jobs through the tools you are given. Use the tools to look things ' +
  'up and to act; do exactly what the user asks, on exactly the jobs they mean, and nothing more. If a request is ' +
  'not allowed, or names a job that does not exist, do not work around it: say so plainly. Finish with a short ' +
  'answer for the user that gives the job ids and facts you found.';

const WireToolCall = z.object({
  id: z.string().optional(),
  function: z.object({ name: z.string(), arguments: z.string().nullish() }),
});
/** A tool call as sent back to the endpoint (some local servers leave the id out). */
interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}
const Completion = z.object({
  choices: z
    .array(
      z.object({ message: z.object({ content: z.string().nullish(), tool_calls: z.array(WireToolCall).nullish() }) }),
    )
    .min(1),
});

type Message =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/** The tool message for an outcome: the structured result, or the error text. */
export function toolMessageContent(outcome: ToolOutcome): string {
  return JSON.stringify(
    outcome.isError ? { isError: true, error: outcome.text } : (outcome.structured ?? { text: outcome.text }),
  );
}

async function complete(
  config: OpenAiConfig,
  messages: readonly Message[],
  tools: readonly object[],
  toolChoice: 'auto' | 'required',
): Promise<z.infer<typeof Completion>['choices'][number]['message']> {
  const res = await fetch(`${config.url}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
    },
    body: JSON.stringify({ model: config.model, messages, tools, tool_choice: toolChoice, temperature: 0 }),
    // A local model on a busy CPU may read a long prompt for more than Bun's 5-minute idle default.
    timeout: false,
  });
  if (!res.ok) throw new Error(`chat completions: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  return Completion.parse(await res.json()).choices[0]!.message;
}

/** Runs one tool call of the model; arguments that are not a JSON object are answered as an error. */
async function runToolCall(task: AgentTask, call: ToolCall): Promise<string> {
  let args: unknown;
  try {
    args = JSON.parse(call.function.arguments || '{}');
  } catch {
    args = undefined;
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    return JSON.stringify({ isError: true, error: 'INVALID_PARAMS: the arguments must be a JSON object' });
  }
  return toolMessageContent(await task.call(call.function.name, args as Record<string, unknown>));
}

export function openAiAgent(config: OpenAiConfig): Agent {
  return {
    name: `openai:${config.model}`,
    async run(task) {
      const tools = task.tools.map((t) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.inputSchema },
      }));
      const messages: Message[] = [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: task.request },
      ];
      for (let step = 0; step < config.maxSteps; step++) {
        const message = await complete(config, messages, tools, step === 0 ? config.firstToolChoice : 'auto');
        const calls: ToolCall[] = (message.tool_calls ?? []).map((c, i) => ({
          id: c.id ?? `call_${step}_${i}`,
          type: 'function',
          function: { name: c.function.name, arguments: c.function.arguments ?? '{}' },
        }));
        if (calls.length === 0) return { answer: message.content ?? '' };
        messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: calls });
        for (const call of calls)
          messages.push({ role: 'tool', tool_call_id: call.id, content: await runToolCall(task, call) });
      }
      return { answer: `(stopped after ${config.maxSteps} steps without a final answer)` };
    },
  };
}
