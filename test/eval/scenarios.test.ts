/**
 * The shipped evaluation scenarios: every file parses against the schema, names only tools the
 * server serves and people of the shipped configuration, covers every category the issue asks
 * for, and seeds jobs along paths the job state machine accepts. The list of job-changing tools
 * the checks rely on is the core's list of tools that write and take job ids.
 */
import { describe, expect, it } from 'bun:test';
import { z } from 'zod';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../src/config/file-source.ts';
import { transitionRule } from '../../src/logic/jobs/job-status.ts';
import { CORE_TOOLS } from '../../src/tools/core.ts';
import { JOB_CHANGING_TOOLS } from '../../eval/checks.ts';
import { loadScenarios, parseScenario, personParts, type Scenario } from '../../eval/scenario.ts';
import { seedPath } from '../../eval/seed.ts';

const scenarios = await loadScenarios();
const TOOL_NAMES = new Set(CORE_TOOLS.map((t) => t.name));

/** Every tool name a scenario's checks mention. */
function toolsOf(scenario: Scenario): string[] {
  const { checks } = scenario;
  return [
    ...checks.must_call.flat(),
    ...checks.must_not_call,
    ...checks.arguments.flatMap((a) => (typeof a.tool === 'string' ? [a.tool] : a.tool)),
  ];
}

describe('the scenario files', () => {
  it('are at least 30, with unique ids', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
    expect(new Set(scenarios.map((s) => s.id)).size).toBe(scenarios.length);
  });

  it('cover every category the evaluation must cover', () => {
    const categories = new Set<string>(scenarios.map((s) => s.category));
    for (const c of ['find', 'summary', 'diagnose', 'submit', 'kill', 'reschedule', 'refuse', 'not-found'])
      expect({ c, covered: categories.has(c) }).toEqual({ c, covered: true });
  });

  it('name only tools the server serves', () => {
    for (const s of scenarios)
      expect({ id: s.id, unknown: toolsOf(s).filter((t) => !TOOL_NAMES.has(t)) }).toEqual({ id: s.id, unknown: [] });
  });

  it('name only people of the shipped configuration, in groups they belong to', async () => {
    const { config } = await loadConfigFile(DEFAULT_CONFIG_PATH);
    const people = new Set(scenarios.flatMap((s) => [s.user, ...s.seed.jobs.map((j) => j.owner)]));
    for (const person of people) {
      const [vo, group, user] = personParts(person);
      const registry = config.Registry[vo];
      const sub = Object.entries(registry?.Users ?? {}).find(([, u]) => u.PreferedUsername === user)?.[0];
      expect({ person, member: sub !== undefined && (registry?.Groups[group]?.Users ?? []).includes(sub) }).toEqual({
        person,
        member: true,
      });
    }
  });

  it('seed every job along transitions the state machine accepts', () => {
    for (const s of scenarios) {
      for (const job of s.seed.jobs) {
        let status = 'Received';
        for (const step of seedPath(job)) status = transitionRule(status, step.status);
        expect({ id: s.id, ref: job.ref, status }).toEqual({ id: s.id, ref: job.ref, status: job.status });
      }
    }
  });

  it('refuse unknown refs, unknown fields and a file name that is not the id', () => {
    const base =
      'id: 99-x\ntitle: t\ncategory: find\nuser: lhcb/lhcb_user/chaen\nrequest: Kill job {{nope}}\nchecks: {}\n';
    expect(() => parseScenario(base, '99-x.yaml')).toThrow('unknown refs nope');
    expect(() => parseScenario(`${base.replace('{{nope}}', '1')}extra: 1\n`, '99-x.yaml')).toThrow();
    expect(() => parseScenario(base.replace('{{nope}}', '1'), '98-y.yaml')).toThrow('does not match the file name');
    expect(() => parseScenario(base.replace('lhcb/lhcb_user/chaen', 'lhcb/lhcb_user/nobody'), '99-x.yaml')).toThrow();
  });
});

describe('JOB_CHANGING_TOOLS', () => {
  it('is exactly the core tools that write and take job ids', () => {
    const writers = CORE_TOOLS.filter(
      (t) => !t.annotations.readOnlyHint && 'job_ids' in z.toJSONSchema(t.input, { io: 'input' }).properties!,
    ).map((t) => t.name);
    expect([...JOB_CHANGING_TOOLS].sort()).toEqual(writers.sort());
  });
});
