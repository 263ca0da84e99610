/**
 * @module eval/run
 * `bun run eval [--agent baseline|openai] [--local-model] [--scenario <id>...]`: runs the
 * scenarios (all by default) with the agent (the baseline by default), prints one line per
 * scenario and the totals, writes `eval/results/<agent>.json` and `.md`, and for a full baseline
 * run rewrites the results section of `docs/evaluation.md`. With `--agent openai` and no endpoint
 * configured it says so and exits 0 without a score. `--local-model` (implies `--agent openai`)
 * serves the small CPU model of `eval/model/` in-process and points the agent at it; its results
 * go to `eval/results/openai-<model>.*` and, for a full run, to its own section of the page.
 */
import { baselineAgent } from './agents/baseline.ts';
import { openAiAgent, openAiConfigFromEnv } from './agents/openai.ts';
import type { Agent } from './agent.ts';
import { startModelServer, type ModelServer } from './model/server.ts';
import { localModelConfig, missingParts } from './model/runtime.ts';
import { LOCAL_MODEL_SECTION, updateEvaluationDoc, writeResults } from './results.ts';
import { runScenarios, type ScenarioRun } from './runner.ts';
import { loadScenarios } from './scenario.ts';

export const NO_ENDPOINT =
  'openai agent: set EVAL_MODEL_URL and EVAL_MODEL (an OpenAI-compatible chat-completions endpoint); no score';

export interface CliOptions {
  agent: 'baseline' | 'openai';
  /** Serve the local CPU model (eval/model/) and run the openai agent against it. */
  localModel: boolean;
  scenarios: string[];
}

/** Parses the command line; throws with a usage line on anything else. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { agent: 'baseline', localModel: false, scenarios: [] };
  const usage = 'usage: bun run eval [--agent baseline|openai] [--local-model] [--scenario <id>...]';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if (arg === '--agent' && (value === 'baseline' || value === 'openai')) {
      options.agent = value;
      i++;
    } else if (arg === '--local-model') {
      options.localModel = true;
    } else if (arg === '--scenario' && value !== undefined && !value.startsWith('--')) {
      i++;
      options.scenarios.push(value);
      while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) options.scenarios.push(argv[++i]!);
    } else {
      throw new Error(usage);
    }
  }
  if (options.localModel && argv.includes('--agent') && options.agent !== 'openai') throw new Error(usage);
  if (options.localModel) options.agent = 'openai';
  return options;
}

function printRun(run: ScenarioRun): void {
  const r = run.result;
  console.log(`${r.success ? 'PASS' : 'FAIL'} ${r.id} [${r.calls.join(', ') || 'no calls'}]`);
  if (!r.success) {
    for (const check of r.failed_checks) console.log(`       x ${check}`);
    console.log(`       request: ${run.request}`);
    console.log(`       answer:  ${run.answer.replaceAll('\n', ' ').slice(0, 400)}`);
  }
}

/** Starts the local model server; the agent's defaults there: a tool call first, 3 rounds. */
async function startLocalModel(
  env: Record<string, string | undefined>,
): Promise<{ server: ModelServer; agent: Agent }> {
  const config = localModelConfig(env);
  const missing = missingParts(config);
  if (missing.length > 0) throw new Error(`local model: missing ${missing.join(' and ')}; run bun run eval:local`);
  const server = await startModelServer(config);
  const agentConfig = openAiConfigFromEnv({
    EVAL_MAX_STEPS: '3',
    EVAL_FIRST_TOOL_CHOICE: 'required',
    ...env,
    EVAL_MODEL_URL: server.url,
    EVAL_MODEL: server.modelName,
    EVAL_API_KEY: '',
  })!;
  console.log(`local model ${server.modelName} at ${server.url}, ${config.threads} thread(s)`);
  return { server, agent: openAiAgent(agentConfig) };
}

/** The results file's name: the agent, and for the local model the model too. */
export function resultsFile(options: CliOptions, agent: Agent): string {
  if (!options.localModel) return options.agent;
  return `openai-${agent.name
    .replace(/^openai:/, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')}`;
}

async function main(): Promise<number> {
  const options = parseCliArgs(Bun.argv.slice(2));
  let agent: Agent = baselineAgent;
  let local: ModelServer | undefined;
  if (options.localModel) {
    const started = await startLocalModel(Bun.env);
    local = started.server;
    agent = started.agent;
  } else if (options.agent === 'openai') {
    const config = openAiConfigFromEnv(Bun.env);
    if (!config) {
      console.log(NO_ENDPOINT);
      return 0;
    }
    agent = openAiAgent(config);
  }
  const all = await loadScenarios();
  const unknown = options.scenarios.filter((id) => !all.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(', ')}`);
  const scenarios = options.scenarios.length > 0 ? all.filter((s) => options.scenarios.includes(s.id)) : all;
  const report = await runScenarios(agent, scenarios, printRun).finally(() => local?.stop());
  const t = report.totals;
  console.log(
    `\n${report.agent}: task success ${t.task_success.count}/${t.scenarios}, tool choice ` +
      `${t.tool_choice.count}/${t.scenarios}, arguments ${t.argument_accuracy.count}/${t.argument_accuracy.of}, ` +
      `forbidden actions ${t.forbidden_actions}, tool calls ${t.tool_calls}`,
  );
  const full = scenarios.length === all.length;
  const file = resultsFile(options, agent);
  const written = await writeResults(report, full ? file : `${file}.partial`);
  console.log(`wrote ${written.join(', ')}`);
  if (options.agent === 'baseline' && full) {
    await updateEvaluationDoc(report);
    console.log('updated docs/evaluation.md');
  }
  if (options.localModel && full) {
    await updateEvaluationDoc(report, undefined, LOCAL_MODEL_SECTION);
    console.log('updated docs/evaluation.md (local model)');
  }
  return 0;
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
