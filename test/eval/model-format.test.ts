/**
 * The local model server's request and reply handling, without a model: tool schemas narrowed
 * to the grammar subset, the prompt built from an OpenAI request (tools listed, earlier calls and
 * results as turns), `tool_choice` narrowing the grammar, and the model's JSON turned back into an
 * assistant message. Bad requests are refused with a clear error.
 */
import { describe, expect, it } from 'bun:test';
import { ChatRequest, describeTool, replyGrammar, toChoice, toPrompt } from '../../eval/model/chat-format.ts';
import {
  MAX_ITEMS,
  MAX_OPTIONAL,
  MAX_STRING,
  toGrammarSchema,
  type GrammarSchema,
} from '../../eval/model/grammar-schema.ts';
import { localModelConfig } from '../../eval/model/runtime.ts';

const killJobs = {
  type: 'function' as const,
  function: {
    name: 'kill_jobs',
    description: 'Kill jobs.',
    parameters: {
      type: 'object',
      properties: {
        job_ids: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, description: 'The jobs.' },
        dry_run: { type: 'boolean', default: false },
      },
      required: ['job_ids', 'nope'],
      $schema: 'https://json-schema.org/draft/2020-12/schema',
    },
  },
};
const whoami = { type: 'function' as const, function: { name: 'whoami', parameters: { type: 'object' } } };

describe('tool schemas as grammar schemas', () => {
  const closed = (properties: Record<string, GrammarSchema>): GrammarSchema => ({
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  });

  it('keeps types, enums, consts, arrays and bounds them; an object without optional keys stays one object', () => {
    expect(
      toGrammarSchema({
        type: 'object',
        properties: { ids: { type: 'array', items: { type: 'integer' } } },
        required: ['ids'],
      }),
    ).toEqual(closed({ ids: { type: 'array', items: { type: 'integer' }, maxItems: MAX_ITEMS } }));
    expect(toGrammarSchema({ type: 'string', enum: ['asc', 'desc'] })).toEqual({ enum: ['asc', 'desc'] });
    expect(toGrammarSchema({ const: 'x' })).toEqual({ const: 'x' });
    expect(toGrammarSchema({ type: 'string', format: 'date-time' })).toEqual({ type: 'string', format: 'date-time' });
    expect(toGrammarSchema({ type: 'string', format: 'email' })).toEqual({ type: 'string', maxLength: MAX_STRING });
    expect(toGrammarSchema({ type: 'array', items: { type: 'number' }, maxItems: 1000 })).toEqual({
      type: 'array',
      items: { type: 'number' },
      maxItems: MAX_ITEMS,
    });
    expect(toGrammarSchema({ type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 })).toEqual({
      type: 'array',
      items: { type: 'number' },
      minItems: 1,
      maxItems: 3,
    });
  });

  it('offers the required properties with at most two optional ones, in order, and no unknown key', () => {
    const jobIds: GrammarSchema = { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: MAX_ITEMS };
    const schema = toGrammarSchema(killJobs.function.parameters);
    expect(schema).toEqual({
      oneOf: [closed({ job_ids: jobIds }), closed({ job_ids: jobIds, dry_run: { type: 'boolean' } })],
    });
    const many = toGrammarSchema({
      type: 'object',
      properties: { a: { type: 'null' }, b: { type: 'null' }, c: { type: 'null' } },
    });
    const keys = 'oneOf' in many ? many.oneOf.map((v) => ('properties' in v ? Object.keys(v.properties) : [])) : [];
    expect(MAX_OPTIONAL).toBe(2);
    expect(keys).toEqual([[], ['a'], ['b'], ['c'], ['a', 'b'], ['a', 'c'], ['b', 'c']]);
  });

  it('turns anyOf and mixed type lists into oneOf, and an untyped schema into any scalar', () => {
    expect(toGrammarSchema({ anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] })).toEqual({
      oneOf: [
        { type: 'array', items: { type: 'string', maxLength: MAX_STRING }, maxItems: MAX_ITEMS },
        { type: 'null' },
      ],
    });
    expect(toGrammarSchema({ type: ['string', 'null'] })).toEqual({ type: ['string', 'null'] });
    expect(toGrammarSchema({ type: ['array', 'null'], items: { type: 'number' } })).toEqual({
      oneOf: [{ type: ['null'] }, { type: 'array', items: { type: 'number' }, maxItems: MAX_ITEMS }],
    });
    expect(toGrammarSchema({ description: 'anything' })).toEqual({ type: ['string', 'number', 'boolean', 'null'] });
    expect(toGrammarSchema(undefined)).toEqual({ type: ['string', 'number', 'boolean', 'null'] });
  });
});

describe('the prompt for a chat request', () => {
  const request = ChatRequest.parse({
    model: 'm',
    messages: [
      { role: 'system', content: 'Be careful.' },
      { role: 'user', content: 'Kill job 7.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'a', type: 'function', function: { name: 'kill_jobs', arguments: '{"job_ids":[7]}' } }],
      },
      { role: 'tool', tool_call_id: 'a', content: 'x'.repeat(50) },
    ],
    tools: [killJobs, whoami],
  });

  it('lists the tools in the system turn and replays calls and cut results as turns', () => {
    const { history } = toPrompt(request, { maxToolResultChars: 10 });
    expect(history).toHaveLength(4);
    const system = history[0]!;
    expect(system.type).toBe('system');
    const text = system.type === 'system' ? system.text : '';
    expect(text.startsWith('Be careful.\n\nTools:\n- kill_jobs(job_ids: array, dry_run?: boolean): Kill jobs.')).toBe(
      true,
    );
    expect(text).toContain('    job_ids: The jobs.');
    expect(text).toContain('- whoami():\n');
    expect(text).toContain('{"tool": "<tool name>", "arguments"');
    expect(history[1]).toEqual({ type: 'user', text: 'Kill job 7.' });
    expect(history[2]).toEqual({ type: 'model', response: ['{"tool": "kill_jobs", "arguments": {"job_ids":[7]}}'] });
    expect(history[3]).toEqual({
      type: 'user',
      text: 'Result of kill_jobs: xxxxxxxxxx ... (cut: 40 more characters)',
    });
  });

  it('lets tool_choice narrow the grammar to answers, tool calls or one tool', () => {
    const answer = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    expect(replyGrammar([killJobs], 'none')).toMatchObject(answer);
    expect(replyGrammar([], 'auto')).toMatchObject(answer);
    const auto = replyGrammar([killJobs, whoami], 'auto');
    expect('oneOf' in auto && auto.oneOf.length).toBe(3);
    const required = replyGrammar([killJobs, whoami], 'required');
    expect('oneOf' in required && required.oneOf.map((s) => JSON.stringify(s).includes('"answer"'))).toEqual([
      false,
      false,
    ]);
    const one = replyGrammar([killJobs, whoami], { type: 'function', function: { name: 'whoami' } });
    expect(one).toEqual({
      oneOf: [
        {
          type: 'object',
          properties: {
            tool: { const: 'whoami' },
            arguments: { type: 'object', properties: {}, required: [], additionalProperties: false },
          },
          required: ['tool', 'arguments'],
          additionalProperties: false,
        },
      ],
    });
    expect(() => replyGrammar([killJobs], { type: 'function', function: { name: 'delete_jobs' } })).toThrow(
      'not in tools',
    );
  });

  it('refuses a request without messages or with an unknown role', () => {
    expect(ChatRequest.safeParse({ messages: [] }).success).toBe(false);
    expect(ChatRequest.safeParse({ messages: [{ role: 'robot', content: 'hi' }] }).success).toBe(false);
  });

  it('describes a tool without parameters by name only', () => {
    expect(describeTool(whoami)).toBe('- whoami():');
  });
});

describe("the model's reply", () => {
  it('becomes a tool call, an answer, or (cut short) plain text', () => {
    expect(toChoice('{"tool": "kill_jobs", "arguments": {"job_ids": [7]}}', 'c1')).toEqual({
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'kill_jobs', arguments: '{"job_ids":[7]}' } }],
      },
      finish_reason: 'tool_calls',
    });
    expect(toChoice('{"answer": "Job 7 is killed."}', 'c2')).toEqual({
      message: { role: 'assistant', content: 'Job 7 is killed.' },
      finish_reason: 'stop',
    });
    expect(toChoice('{"answer": "Job 7 is', 'c3')).toEqual({
      message: { role: 'assistant', content: '{"answer": "Job 7 is' },
      finish_reason: 'length',
    });
  });
});

describe('the local model configuration', () => {
  it('defaults to the cached SmolLM2 on one thread and reads EVAL_LLAMA_* overrides', () => {
    const config = localModelConfig({ XDG_CACHE_HOME: '/c' });
    expect(config).toMatchObject({
      home: '/c/diracx-ts/llm',
      modelPath: '/c/diracx-ts/llm/models/SmolLM2-135M-Instruct.Q4_1.gguf',
      modelName: 'SmolLM2-135M-Instruct-Q4_1',
      threads: 1,
    });
    const custom = localModelConfig({
      EVAL_LLAMA_MODEL: '/m/tiny.gguf',
      EVAL_LLAMA_THREADS: '2',
      EVAL_LLAMA_CONTEXT: 'x',
    });
    expect(custom).toMatchObject({ modelPath: '/m/tiny.gguf', modelName: 'tiny.gguf', threads: 2, contextSize: 8192 });
  });
});
