/**
 * The OpenAI-compatible agent against a fake chat-completions server that plays a careful
 * model: it searches the waiting jobs, kills only the user's own, and answers. The run goes
 * through the real MCP endpoint and passes the scenario's checks, which shows the bridge
 * (tools as functions, tool calls to MCP, results back as tool messages) and that the checks
 * pass a correct run. Without an endpoint the runner says so and gives no score.
 */
import { afterAll, describe, expect, it } from 'bun:test';
import { openAiAgent, openAiConfigFromEnv } from '../../eval/agents/openai.ts';
import { NO_ENDPOINT, parseCliArgs } from '../../eval/run.ts';
import { runScenarios } from '../../eval/runner.ts';
import { loadScenarios } from '../../eval/scenario.ts';

interface ChatRequest {
  model: string;
  tools: { type: string; function: { name: string; parameters: { type: string } } }[];
  messages: { role: string; content: string | null }[];
}

const requests: ChatRequest[] = [];
const reply = (message: object) =>
  Response.json({ choices: [{ index: 0, message: { role: 'assistant', ...message } }] });
const toolCall = (name: string, args: object) =>
  reply({
    content: null,
    tool_calls: [{ id: `c${requests.length}`, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
  });

/** A scripted model: search, then kill the caller's own waiting jobs, then answer. */
const fake = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    const body = (await req.json()) as ChatRequest;
    requests.push(body);
    const tools = body.messages.filter((m) => m.role === 'tool');
    if (tools.length === 0)
      return toolCall('search_jobs', {
        parameter: 'Status',
        operator: 'eq',
        value: 'Waiting',
        result_fields: ['JobID', 'Owner'],
      });
    if (tools.length === 1) {
      const rows = (JSON.parse(tools[0]!.content!) as { data: { JobID: number; Owner: string }[] }).data;
      return toolCall('kill_jobs', { job_ids: rows.filter((r) => r.Owner === 'chaen').map((r) => r.JobID) });
    }
    return reply({ content: 'I killed your two waiting jobs and left the running one alone.' });
  },
});
afterAll(() => fake.stop(true));

describe('the openai agent', () => {
  // The model is a scripted fake chat-completions server: no model runs here.
  it('bridges tool calls to MCP and passes a scenario when the model does the right thing', async () => {
    const config = openAiConfigFromEnv({
      EVAL_MODEL_URL: `http://127.0.0.1:${fake.port}/v1/`,
      EVAL_MODEL: 'scripted',
    })!;
    const scenarios = (await loadScenarios()).filter((s) => s.id === '25-kill-my-waiting-not-colleague');
    const report = await runScenarios(openAiAgent(config), scenarios);
    expect(report.agent).toBe('openai:scripted');
    expect(report.scenarios[0]).toMatchObject({
      success: true,
      tool_choice: true,
      arguments: { met: 1, total: 1 },
      forbidden_actions: 0,
      tool_calls: 2,
      calls: ['search_jobs', 'kill_jobs'],
    });
    expect(requests).toHaveLength(3);
    expect(requests[0]!.model).toBe('scripted');
    expect(requests[0]!.tools.map((t) => t.function.name)).toContain('kill_jobs');
    expect(requests[0]!.tools.every((t) => t.type === 'function' && t.function.parameters.type === 'object')).toBe(
      true,
    );
  });

  it('is not configured without both EVAL_MODEL_URL and EVAL_MODEL', () => {
    expect(openAiConfigFromEnv({})).toBeUndefined();
    expect(openAiConfigFromEnv({ EVAL_MODEL_URL: 'http://x/v1' })).toBeUndefined();
    expect(
      openAiConfigFromEnv({ EVAL_MODEL_URL: 'http://x/v1/', EVAL_MODEL: 'm', EVAL_API_KEY: 'k', EVAL_MAX_STEPS: '3' }),
    ).toEqual({ url: 'http://x/v1', model: 'm', apiKey: 'k', maxSteps: 3, firstToolChoice: 'auto' });
    expect(
      openAiConfigFromEnv({ EVAL_MODEL_URL: 'http://x', EVAL_MODEL: 'm', EVAL_FIRST_TOOL_CHOICE: 'required' })
        ?.firstToolChoice,
    ).toBe('required');
  });
});

describe('bun run eval', () => {
  it('parses its options', () => {
    expect(parseCliArgs([])).toEqual({ agent: 'baseline', localModel: false, scenarios: [] });
    expect(parseCliArgs(['--agent', 'openai', '--scenario', '01-a', '02-b'])).toEqual({
      agent: 'openai',
      localModel: false,
      scenarios: ['01-a', '02-b'],
    });
    expect(parseCliArgs(['--local-model'])).toEqual({ agent: 'openai', localModel: true, scenarios: [] });
    expect(() => parseCliArgs(['--agent', 'gpt'])).toThrow('usage');
    expect(() => parseCliArgs(['--agent', 'baseline', '--local-model'])).toThrow('usage');
  });

  it('says there is no score and exits 0 for the openai agent without an endpoint', async () => {
    const env = { ...Bun.env, EVAL_MODEL_URL: '', EVAL_MODEL: '' };
    const proc = Bun.spawn(['bun', 'run', 'eval/run.ts', '--agent', 'openai'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env,
      stdout: 'pipe',
    });
    expect(await proc.exited).toBe(0);
    expect((await new Response(proc.stdout).text()).trim()).toBe(NO_ENDPOINT);
  });
});
