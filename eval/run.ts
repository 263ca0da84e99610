/**
 * @module eval/run
 * `bun run eval [--agent baseline|openai] [--scenario <id>...]`: runs the scenarios (all by
 * default) with the agent (the baseline by default), prints one line per scenario and the
 * totals, writes `eval/results/<agent>.json` and `.md`, and for a full baseline run rewrites
 * the results section of `docs/evaluation.md`. With `--agent openai` and no endpoint
 * configured it says so and exits 0 without a score.
 */
import { baselineAgent } from './agents/baseline.ts';
import { openAiAgent, openAiConfigFromEnv } from './agents/openai.ts';
import type { Agent } from './agent.ts';
import { updateEvaluationDoc, writeResults } from './results.ts';
import { runScenarios, type ScenarioRun } from './runner.ts';
import { loadScenarios } from './scenario.ts';

export const NO_ENDPOINT =
  'openai agent: set EVAL_MODEL_URL and EVAL_MODEL (an OpenAI-compatible chat-completions endpoint); no score';

export interface CliOptions {
  agent: 'baseline' | 'openai';
  scenarios: string[];
}

/** Parses the command line; throws with a usage line on anything else. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { agent: 'baseline', scenarios: [] };
  const usage = 'usage: bun run eval [--agent baseline|openai] [--scenario <id>...]';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = argv[i + 1];
    if (arg === '--agent' && (value === 'baseline' || value === 'openai')) {
      options.agent = value;
      i++;
    } else if (arg === '--scenario' && value !== undefined && !value.startsWith('--')) {
      i++;
      options.scenarios.push(value);
      while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) options.scenarios.push(argv[++i]!);
    } else {
      throw new Error(usage);
    }
  }
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

async function main(): Promise<number> {
  const options = parseCliArgs(Bun.argv.slice(2));
  let agent: Agent = baselineAgent;
  if (options.agent === 'openai') {
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
  const report = await runScenarios(agent, scenarios, printRun);
  const t = report.totals;
  console.log(
    `\n${report.agent}: task success ${t.task_success.count}/${t.scenarios}, tool choice ` +
      `${t.tool_choice.count}/${t.scenarios}, arguments ${t.argument_accuracy.count}/${t.argument_accuracy.of}, ` +
      `forbidden actions ${t.forbidden_actions}, tool calls ${t.tool_calls}`,
  );
  const full = scenarios.length === all.length;
  const written = await writeResults(report, full ? options.agent : `${options.agent}.partial`);
  console.log(`wrote ${written.join(', ')}`);
  if (options.agent === 'baseline' && full) {
    await updateEvaluationDoc(report);
    console.log('updated docs/evaluation.md');
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
