/**
 * The smoke run of the real model: SmolLM2-135M-Instruct on the CPU through node-llama-cpp
 * (both installed by eval/model/install.sh from package registries), served by our
 * OpenAI-compatible server, drives the `openai` agent through one scenario against the real
 * `/mcp` endpoint. It checks the pipeline, not the score: the model was asked, it answered with
 * a tool call, and that call reached our MCP server and came back. Skips when the model or its
 * runtime is not installed, unless DIRACX_REQUIRE_LOCAL_MODEL_TESTS=1, where it fails instead.
 */
import { afterAll, describe, expect, it } from 'bun:test';
import { openAiAgent, openAiConfigFromEnv } from '../../eval/agents/openai.ts';
import { startModelServer, type ModelServer } from '../../eval/model/server.ts';
import { localModelConfig, missingParts } from '../../eval/model/runtime.ts';
import { runScenario } from '../../eval/runner.ts';
import { loadScenarios } from '../../eval/scenario.ts';

const config = localModelConfig(Bun.env);
const missing = missingParts(config);
const required = Bun.env.DIRACX_REQUIRE_LOCAL_MODEL_TESTS === '1';
const available = missing.length === 0 || required;
const reason = missing.length === 0 ? '' : ` (skipped: missing ${missing.join(', ')}; run eval/model/install.sh)`;

let server: ModelServer | undefined;
afterAll(() => server?.stop());

describe.skipIf(!available)(`the local model smoke run${reason}`, () => {
  it(
    'asks the model, whose tool call reaches /mcp and whose result comes back to it',
    async () => {
      expect(missing).toEqual([]);
      server = await startModelServer(config);
      const agentConfig = openAiConfigFromEnv({
        EVAL_MODEL_URL: server.url,
        EVAL_MODEL: server.modelName,
        EVAL_MAX_STEPS: '2',
        EVAL_FIRST_TOOL_CHOICE: 'required',
      })!;
      const scenario = (await loadScenarios()).find((s) => s.id === '06-find-job-status-by-id')!;
      const run = await runScenario(openAiAgent(agentConfig), scenario);
      expect(run.result.failed_checks.filter((c) => c.startsWith('agent ran without error'))).toEqual([]);
      expect(server.stats.completions).toBeGreaterThanOrEqual(2);
      expect(server.stats.toolCalls).toBeGreaterThanOrEqual(1);
      // The first round had to call a tool: it went through the MCP session to the server.
      expect(run.transcript.length).toBeGreaterThanOrEqual(1);
      // It came back from the server: a structured result, or a typed error the server wrote.
      const first = run.transcript[0]!;
      expect(first.isError ? first.error : first.result).toBeDefined();
      // And the result went back to the model in the next round.
      expect(server.stats.toolResultsSeen).toBeGreaterThanOrEqual(1);
      expect(run.result.tool_calls).toBe(run.transcript.length);
    },
    15 * 60_000,
  );
});
