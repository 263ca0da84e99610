/**
 * The local model server's HTTP side with a stand-in model (a fake at the edge: no weights are
 * loaded): it lists its model, turns a chat request into a prompt and grammar for the model and
 * the model's JSON into an OpenAI reply, counts what it did, and refuses bad requests with a
 * clear 400 before the model is asked.
 */
import { afterAll, describe, expect, it } from 'bun:test';
import type { HistoryItem } from '../../eval/model/chat-format.ts';
import type { GrammarSchema } from '../../eval/model/grammar-schema.ts';
import { localModelConfig } from '../../eval/model/runtime.ts';
import { serveModel } from '../../eval/model/server.ts';

const asked: { history: HistoryItem[]; grammar: GrammarSchema; maxTokens: number }[] = [];
let reply = '{"tool": "whoami", "arguments": {}}';
const server = serveModel(
  {
    async generate(history, grammar, maxTokens) {
      asked.push({ history, grammar, maxTokens });
      return reply;
    },
    async dispose() {},
  },
  localModelConfig({ EVAL_LLAMA_MAX_TOKENS: '64' }),
);
afterAll(() => server.stop());

const post = (body: unknown) =>
  fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const whoami = { type: 'function', function: { name: 'whoami', parameters: { type: 'object' } } };

describe('the local model server (stand-in model)', () => {
  it('names its model', async () => {
    const res = await fetch(`${server.url}/models`);
    expect(await res.json()).toEqual({
      object: 'list',
      data: [{ id: 'SmolLM2-135M-Instruct-Q4_1', object: 'model', owned_by: 'local' }],
    });
  });

  it('answers a chat request with the tool call the model wrote, and counts it', async () => {
    const res = await post({
      model: 'x',
      messages: [{ role: 'user', content: 'Who am I?' }],
      tools: [whoami],
      tool_choice: 'required',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: { index: number; message: object; finish_reason: string }[] };
    expect(body.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'whoami', arguments: '{}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(asked.at(-1)!.maxTokens).toBe(64);
    expect(asked.at(-1)!.history.at(-1)).toEqual({ type: 'user', text: 'Who am I?' });
    expect(server.stats).toEqual({ completions: 1, toolCalls: 1, toolResultsSeen: 0 });
  });

  it('passes the result back and gives the final answer as content', async () => {
    reply = '{"answer": "You are chaen."}';
    const res = await post({
      messages: [
        { role: 'user', content: 'Who am I?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', function: { name: 'whoami', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: '{"user":"chaen"}' },
      ],
      tools: [whoami],
      max_tokens: 10,
    });
    const body = (await res.json()) as { choices: { index: number; message: object; finish_reason: string }[] };
    expect(body.choices[0]!.message).toEqual({ role: 'assistant', content: 'You are chaen.' });
    expect(body.choices[0]!.finish_reason).toBe('stop');
    expect(asked.at(-1)!.maxTokens).toBe(10);
    expect(asked.at(-1)!.history.at(-1)).toEqual({ type: 'user', text: 'Result of whoami: {"user":"chaen"}' });
    expect(server.stats).toEqual({ completions: 2, toolCalls: 1, toolResultsSeen: 1 });
  });

  it('refuses a non-JSON body, a bad request and an unknown forced tool without asking the model', async () => {
    const before = asked.length;
    const notJson = await post('{');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toContain('not JSON');
    const noMessages = await post({ messages: [] });
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as { error: { message: string } }).error.message).toContain('invalid request');
    const unknown = await post({
      messages: [{ role: 'user', content: 'hi' }],
      tools: [whoami],
      tool_choice: { type: 'function', function: { name: 'kill_jobs' } },
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('not in tools');
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
    expect(asked.length).toBe(before);
    expect(server.stats.completions).toBe(2);
  });
});
