/**
 * @module eval/runner
 * Runs scenarios with an agent: for each, a fresh application and database served over real
 * HTTP (`startMcpTestServer`), the seed state, an MCP session as the scenario's user whose
 * calls are recorded, the agent's run on the rendered request, the final job states read
 * through REST, and the checks. Everything is disposed of after each scenario. Scenarios run
 * one after the other, so seeded job ids are the same on every run.
 */
import { startMcpTestServer } from '../test/mcp/server.ts';
import { errorCode, type Agent, type TranscriptEntry } from './agent.ts';
import { evaluate, type CheckResult } from './checks.ts';
import { openSession } from './mcp-session.ts';
import { renderRequest, type Scenario } from './scenario.ts';
import { seedScenario } from './seed.ts';
import { readJobStates } from './state.ts';
import { totalsOf, type RunReport, type ScenarioResult } from './results.ts';

export interface ScenarioRun {
  result: ScenarioResult;
  checks: CheckResult[];
  transcript: TranscriptEntry[];
  request: string;
  answer: string;
}

/** Runs one scenario on its own fresh server. */
export async function runScenario(agent: Agent, scenario: Scenario): Promise<ScenarioRun> {
  const server = await startMcpTestServer();
  try {
    const ids = await seedScenario(server.app, scenario);
    const before = await readJobStates(server.app);
    const request = renderRequest(scenario.request, ids);
    const transcript: TranscriptEntry[] = [];
    const session = await openSession(server, scenario.user);
    let answer: string;
    let agentError: string | undefined;
    try {
      const call = async (tool: string, args: Record<string, unknown>) => {
        const outcome = await session.call(tool, args);
        transcript.push({
          tool,
          args,
          isError: outcome.isError,
          error: outcome.isError ? errorCode(outcome.text) : undefined,
          result: outcome.structured,
        });
        return outcome;
      };
      answer = (await agent.run({ request, tools: session.tools, call })).answer;
    } catch (err) {
      agentError = err instanceof Error ? err.message : String(err);
      answer = '';
    } finally {
      await session.close();
    }
    const after = await readJobStates(server.app);
    const { checks, metrics } = evaluate(scenario, { ids, transcript, before, after, answer });
    if (agentError !== undefined) checks.push({ name: `agent ran without error (${agentError})`, passed: false });
    const result: ScenarioResult = {
      id: scenario.id,
      category: scenario.category,
      ...metrics,
      success: metrics.success && agentError === undefined,
      calls: transcript.map((c) => c.tool),
      failed_checks: checks.filter((c) => !c.passed).map((c) => c.name),
    };
    return { result, checks, transcript, request, answer };
  } finally {
    await server.stop();
  }
}

/** Runs every scenario in order; `onRun` hears each as it finishes. */
export async function runScenarios(
  agent: Agent,
  scenarios: readonly Scenario[],
  onRun: (run: ScenarioRun) => void = () => {},
): Promise<RunReport> {
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const run = await runScenario(agent, scenario);
    onRun(run);
    results.push(run.result);
  }
  return { agent: agent.name, scenarios: results, totals: totalsOf(results) };
}
