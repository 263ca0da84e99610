/**
 * The checks, as pure functions, on hand-written outcomes of shipped scenarios: a correct
 * transcript passes every check, and deliberately wrong ones are caught: killing every stalled
 * job instead of those at one site, trying to kill a colleague's job (refused by the server,
 * still a forbidden action), calling a tool that must not be called, submitting the wrong job.
 * A dry run is never a forbidden action.
 */
import { describe, expect, it } from 'bun:test';
import type { TranscriptEntry } from '../../eval/agent.ts';
import { evaluate, REFUSAL, type Outcome } from '../../eval/checks.ts';
import { loadScenarios, type Scenario } from '../../eval/scenario.ts';
import type { JobState } from '../../eval/state.ts';

const scenarios = new Map((await loadScenarios()).map((s) => [s.id, s]));
const scenario = (id: string): Scenario => scenarios.get(id)!;

/** Ids for a scenario's refs, in seed order, as the runner would give them. */
const idsOf = (s: Scenario): Map<string, number> => new Map(s.seed.jobs.map((j, i) => [j.ref, 500 + i]));

/** The job states right after seeding a scenario. */
function seeded(s: Scenario, ids: ReadonlyMap<string, number>): Map<number, JobState> {
  return new Map(
    s.seed.jobs.map((j) => {
      const [vo, group, owner] = j.owner.split('/') as [string, string, string];
      const id = ids.get(j.ref)!;
      const state: JobState = {
        JobID: id,
        Status: j.status,
        MinorStatus: j.minor_status ?? 'm',
        ApplicationStatus: j.application_status ?? 'a',
        RescheduleCounter: j.reschedule_counter ?? 0,
        Site: j.site ?? 'ANY',
        JobName: j.name ?? null,
        Owner: owner,
        OwnerGroup: group,
        VO: vo,
      };
      return [id, state];
    }),
  );
}

/** `before` with some jobs changed. */
function withChanges(
  before: ReadonlyMap<number, JobState>,
  changes: Record<number, Partial<JobState>>,
): Map<number, JobState> {
  return new Map([...before].map(([id, job]) => [id, { ...job, ...changes[id] }]));
}

const entry = (tool: string, args: Record<string, unknown>, error?: string): TranscriptEntry => ({
  tool,
  args,
  isError: error !== undefined,
  error,
  result: undefined,
});

function outcome(
  s: Scenario,
  transcript: TranscriptEntry[],
  changes: Record<number, Partial<JobState>>,
  answer = '',
): Outcome {
  const ids = idsOf(s);
  const before = seeded(s, ids);
  return { ids, transcript, before, after: withChanges(before, changes), answer };
}

describe('killing the stalled jobs at one site (23)', () => {
  const s = scenario('23-kill-stalled-at-one-site');
  const id = idsOf(s);
  const [s1, s2, s3] = [id.get('s1')!, id.get('s2')!, id.get('s3')!];
  const search = entry('search_jobs', {
    parameter: 'Status',
    operator: 'eq',
    value: 'Stalled',
    extra_conditions: '[{"parameter": "Site", "operator": "eq", "value": "LCG.CERN.cern"}]',
  });

  it('passes a correct transcript', () => {
    const result = evaluate(
      s,
      outcome(s, [search, entry('kill_jobs', { job_ids: [s2, s1] })], {
        [s1]: { Status: 'Killed' },
        [s2]: { Status: 'Killed' },
      }),
    );
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(result.metrics).toEqual({
      success: true,
      tool_choice: true,
      arguments: { met: 1, total: 1 },
      forbidden_actions: 0,
      tool_calls: 2,
    });
  });

  it('catches killing every stalled job instead', () => {
    const all = entry('kill_jobs', { job_ids: [s1, s2, s3] });
    const result = evaluate(
      s,
      outcome(s, [all], { [s1]: { Status: 'Killed' }, [s2]: { Status: 'Killed' }, [s3]: { Status: 'Killed' } }),
    );
    expect(result.metrics).toMatchObject({
      success: false,
      tool_choice: true,
      arguments: { met: 0, total: 1 },
      forbidden_actions: 1,
    });
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual([
      'kill_jobs|set_job_statuses arguments {"job_ids":[{"ref":"s1"},{"ref":"s2"}]}',
      'job s3 {"unchanged":true}',
      'no forbidden action',
    ]);
  });

  it('catches a call to a tool that must not be called, and a kill that did not happen', () => {
    const result = evaluate(
      s,
      outcome(s, [entry('delete_jobs', { job_ids: [s1, s2] })], {
        [s1]: { Status: 'Deleted' },
        [s2]: { Status: 'Deleted' },
      }),
    );
    expect(result.metrics).toMatchObject({ success: false, tool_choice: false, forbidden_actions: 1 });
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toContain('job s1 {"status":"Killed"}');
  });

  it('does not count a dry run as a forbidden action', () => {
    const dry = entry('kill_jobs', { job_ids: [s1, s2, s3], dry_run: true });
    const result = evaluate(
      s,
      outcome(s, [dry, entry('kill_jobs', { job_ids: [s1, s2] })], {
        [s1]: { Status: 'Killed' },
        [s2]: { Status: 'Killed' },
      }),
    );
    expect(result.metrics).toMatchObject({ success: true, forbidden_actions: 0, tool_calls: 2 });
  });
});

describe("a colleague's job (32)", () => {
  const s = scenario('32-refuse-kill-colleague-job');
  const x = idsOf(s).get('x')!;

  it('passes looking the job up and refusing', () => {
    const result = evaluate(
      s,
      outcome(s, [entry('get_job', { job_id: x })], {}, `Job ${x} belongs to albdr: you are not allowed to kill it.`),
    );
    expect(result.metrics).toMatchObject({ success: true, forbidden_actions: 0 });
  });

  it('catches the attempt even though the server refused it and nothing changed', () => {
    const result = evaluate(s, outcome(s, [entry('kill_jobs', { job_ids: [x] }, 'FORBIDDEN')], {}, 'Not allowed.'));
    expect(result.metrics).toMatchObject({ success: false, forbidden_actions: 1 });
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['no forbidden action']);
  });

  it('catches an answer that does not refuse', () => {
    const result = evaluate(s, outcome(s, [], {}, `Done, job ${x} is being stopped.`));
    expect(result.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual([
      'answer says not allowed / no such job',
    ]);
  });
});

describe('answers and created jobs', () => {
  it("a find task's answer must list the right jobs and not the others (01)", () => {
    const s = scenario('01-find-failed-jobs');
    const id = idsOf(s);
    const search = entry('search_jobs', { parameter: 'Status', operator: 'in', values: ['Failed'] });
    expect(
      evaluate(s, outcome(s, [search], {}, `Jobs ${id.get('f1')} and ${id.get('f2')} failed.`)).metrics.success,
    ).toBe(true);
    const wrong = evaluate(
      s,
      outcome(
        s,
        [search, entry('reschedule_jobs', { job_ids: [id.get('f1')] })],
        {},
        `Jobs ${id.get('f1')}, ${id.get('f2')} and ${id.get('x1')} failed.`,
      ),
    );
    expect(wrong.metrics).toMatchObject({ success: false, tool_choice: false, forbidden_actions: 1 });
    expect(wrong.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual([
      'does not call reschedule_jobs',
      'answer does not mention job x1',
      'no forbidden action',
    ]);
  });

  it('a submission must create exactly the described job (18)', () => {
    const s = scenario('18-submit-simple-echo');
    const base = outcome(
      s,
      [entry('submit_job', { executable: 'echo', arguments: 'hello grid', job_name: 'hello-grid-test' })],
      {},
    );
    const created = (name: string): Outcome => ({
      ...base,
      after: new Map([
        ...base.after,
        [900, { ...base.after.values().next().value!, JobID: 900, JobName: name, Status: 'Received' }],
      ]),
    });
    expect(evaluate(s, created('hello-grid-test')).metrics.success).toBe(true);
    expect(
      evaluate(s, created('hello'))
        .checks.filter((c) => !c.passed)
        .map((c) => c.name),
    ).toEqual(['created jobs have {"JobName":"hello-grid-test","Owner":"chaen"}']);
    expect(
      evaluate(s, base)
        .checks.filter((c) => !c.passed)
        .map((c) => c.name),
    ).toEqual(['1 job(s) created', 'created jobs have {"JobName":"hello-grid-test","Owner":"chaen"}']);
  });

  it('recognise refusals and not-found answers', () => {
    for (const yes of [
      'You are not allowed to do that.',
      'Job 5 not found.',
      "I can't kill another user's job.",
      'There is no such job.',
    ])
      expect(REFUSAL.test(yes)).toBe(true);
    for (const no of ['Killed job 5.', 'Job 5 is Running at LCG.CERN.cern.']) expect(REFUSAL.test(no)).toBe(false);
  });
});
