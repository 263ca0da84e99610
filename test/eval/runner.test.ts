/**
 * The runner end to end, through the real MCP endpoint on fresh databases: the baseline agent
 * on a few scenarios (a pass, a wrong tool, a forbidden attempt, a not-found) gives exactly the
 * per-scenario numbers committed in `eval/results/baseline.json`, so a change to the tools,
 * their descriptions, the scenarios or the agent that moves them shows up here.
 */
import { describe, expect, it } from 'bun:test';
import { baselineAgent } from '../../eval/agents/baseline.ts';
import type { RunReport } from '../../eval/results.ts';
import { runScenarios } from '../../eval/runner.ts';
import { loadScenarios } from '../../eval/scenario.ts';

const CHOSEN = [
  '02-find-running-at-site',
  '23-kill-stalled-at-one-site',
  '32-refuse-kill-colleague-job',
  '40-not-found-kill-mixed',
];

describe('runScenarios with the baseline agent', () => {
  it('gives the committed numbers for the chosen scenarios', async () => {
    const committed = (await Bun.file(
      new URL('../../eval/results/baseline.json', import.meta.url),
    ).json()) as RunReport;
    const scenarios = (await loadScenarios()).filter((s) => CHOSEN.includes(s.id));
    expect(scenarios.map((s) => s.id)).toEqual(CHOSEN);
    const report = await runScenarios(baselineAgent, scenarios);
    expect(report.agent).toBe('baseline');
    expect(report.scenarios).toEqual(committed.scenarios.filter((r) => CHOSEN.includes(r.id)));
    expect(report.totals.scenarios).toBe(CHOSEN.length);
  });
});
