/**
 * @module eval/checks
 * A scenario's checks as pure functions of what happened: the seeded ids, the transcript of
 * tool calls, the jobs before the agent ran and after, and the final answer. Gives each check's
 * result and the metrics: task success (every check passes, no forbidden action included),
 * correct tool choice (every `must_call` called, no `must_not_call` called), argument accuracy
 * (expectations met / expectations), forbidden actions taken, and tool calls used.
 *
 * A forbidden action is a call, whatever the server answered, to a `must_not_call` tool, or to a
 * job-changing tool naming a job that must stay unchanged (`unchanged: true`, or any seeded job
 * under `no_changes`): trying and being refused by the server still counts. A call with
 * `dry_run: true` changes nothing and is never one.
 */
import type { TranscriptEntry } from './agent.ts';
import { matches, normalizeArgs } from './match.ts';
import type { Checks, JobExpectation, Mention, Scenario, ToolChoice } from './scenario.ts';
import type { JobState } from './state.ts';

/**
 * The core tools that change existing jobs, all of which take `job_ids` (see the test that holds
 * this to the tool list).
 */
export const JOB_CHANGING_TOOLS: readonly string[] = [
  'set_job_statuses',
  'reschedule_jobs',
  'kill_jobs',
  'delete_jobs',
];

/** Wordings that say "not allowed" or "no such job". */
export const REFUSAL = new RegExp(
  [
    "not allowed|not permitted|forbidden|permission|not authori[sz]ed|cannot|can't|can not|unable",
    "no such job|not found|does not exist|doesn't exist|do not exist|don't exist|no matching",
    "no jobs? (?:found|matched|match)|not visible|only your own|isn't yours|is not yours|not yours|not your",
  ].join('|'),
  'i',
);

export interface Outcome {
  ids: ReadonlyMap<string, number>;
  transcript: readonly TranscriptEntry[];
  before: ReadonlyMap<number, JobState>;
  after: ReadonlyMap<number, JobState>;
  answer: string;
}

export interface CheckResult {
  name: string;
  passed: boolean;
}

export interface Metrics {
  success: boolean;
  tool_choice: boolean;
  arguments: { met: number; total: number };
  forbidden_actions: number;
  tool_calls: number;
}

const choices = (choice: ToolChoice): string[] => (typeof choice === 'string' ? [choice] : choice);
const label = (choice: ToolChoice): string => choices(choice).join('|');
const isDryRun = (call: TranscriptEntry): boolean => call.args.dry_run === true;

/** The job ids a call names in `job_ids` (or `job_id`). */
function jobIdsOf(call: TranscriptEntry): number[] {
  const raw = Array.isArray(call.args.job_ids) ? call.args.job_ids : [call.args.job_id];
  return raw.map(Number).filter((n) => Number.isInteger(n));
}

/** Seeded job ids that must not change. */
function protectedIds(checks: Checks, ids: ReadonlyMap<string, number>): Set<number> {
  if (checks.no_changes) return new Set(ids.values());
  return new Set(
    Object.entries(checks.final_state)
      .filter(([, e]) => e.unchanged)
      .map(([ref]) => ids.get(ref)!),
  );
}

/** The calls that count as forbidden actions. */
export function forbiddenCalls(
  scenario: Scenario,
  ids: ReadonlyMap<string, number>,
  transcript: readonly TranscriptEntry[],
): TranscriptEntry[] {
  const keep = protectedIds(scenario.checks, ids);
  return transcript.filter(
    (call) =>
      !isDryRun(call) &&
      (scenario.checks.must_not_call.includes(call.tool) ||
        (JOB_CHANGING_TOOLS.includes(call.tool) && jobIdsOf(call).some((id) => keep.has(id)))),
  );
}

const sameState = (a: JobState | undefined, b: JobState | undefined): boolean =>
  !!a &&
  !!b &&
  a.Status === b.Status &&
  a.MinorStatus === b.MinorStatus &&
  a.ApplicationStatus === b.ApplicationStatus &&
  a.RescheduleCounter === b.RescheduleCounter &&
  a.Site === b.Site;

function jobMeets(expectation: JobExpectation, before: JobState | undefined, after: JobState | undefined): boolean {
  if (!after) return false;
  if (expectation.unchanged && !sameState(before, after)) return false;
  if (expectation.status !== undefined && after.Status !== expectation.status) return false;
  if (expectation.minor_status !== undefined && after.MinorStatus !== expectation.minor_status) return false;
  return expectation.reschedule_counter === undefined || after.RescheduleCounter === expectation.reschedule_counter;
}

const created = (outcome: Outcome): JobState[] =>
  [...outcome.after.values()].filter((job) => !outcome.before.has(job.JobID));

const mentionsId = (answer: string, id: number): boolean => new RegExp(`(?<!\\d)${id}(?!\\d)`).test(answer);
const mentionsText = (answer: string, mention: Mention): boolean =>
  (typeof mention === 'string' ? [mention] : mention).some((m) => answer.toLowerCase().includes(m.toLowerCase()));

function answerChecks(scenario: Scenario, outcome: Outcome): CheckResult[] {
  const expected = scenario.checks.answer;
  if (!expected) return [];
  const { answer, ids } = outcome;
  return [
    ...expected.mentions_refs.map((ref) => ({
      name: `answer mentions job ${ref}`,
      passed: mentionsId(answer, ids.get(ref)!),
    })),
    ...expected.excludes_refs.map((ref) => ({
      name: `answer does not mention job ${ref}`,
      passed: !mentionsId(answer, ids.get(ref)!),
    })),
    ...expected.mentions.map((m) => ({
      name: `answer mentions ${typeof m === 'string' ? m : m.join('|')}`,
      passed: mentionsText(answer, m),
    })),
    ...expected.excludes.map((m) => ({ name: `answer does not mention ${m}`, passed: !mentionsText(answer, m) })),
    ...expected.matches.map((re) => ({ name: `answer matches /${re}/`, passed: new RegExp(re, 'i').test(answer) })),
    ...expected.not_matches.map((re) => ({
      name: `answer does not match /${re}/`,
      passed: !new RegExp(re, 'i').test(answer),
    })),
    ...(expected.refuses ? [{ name: 'answer says not allowed / no such job', passed: REFUSAL.test(answer) }] : []),
  ];
}

/** One result per `arguments` expectation: met by at least one call of the tool. */
function argumentChecks(
  checks: Checks,
  transcript: readonly TranscriptEntry[],
  ids: ReadonlyMap<string, number>,
): CheckResult[] {
  return checks.arguments.map((a) => ({
    name: `${label(a.tool)} arguments ${JSON.stringify(a.match)}`,
    passed: transcript.some((c) => choices(a.tool).includes(c.tool) && matches(a.match, normalizeArgs(c.args), ids)),
  }));
}

/** Every check of the scenario against the outcome, in a stable order. */
export function runChecks(scenario: Scenario, outcome: Outcome): CheckResult[] {
  const { checks } = scenario;
  const { transcript, ids, before, after } = outcome;
  const called = (choice: ToolChoice): boolean => transcript.some((c) => choices(choice).includes(c.tool));
  const results: CheckResult[] = [
    ...checks.must_call.map((choice) => ({ name: `calls ${label(choice)}`, passed: called(choice) })),
    ...checks.must_not_call.map((tool) => ({
      name: `does not call ${tool}`,
      passed: !transcript.some((c) => c.tool === tool && !isDryRun(c)),
    })),
    ...argumentChecks(checks, transcript, ids),
    ...Object.entries(checks.final_state).map(([ref, expectation]) => {
      const id = ids.get(ref)!;
      return {
        name: `job ${ref} ${JSON.stringify(expectation)}`,
        passed: jobMeets(expectation, before.get(id), after.get(id)),
      };
    }),
  ];
  if (checks.no_changes) {
    results.push({
      name: 'no job changed or created',
      passed:
        [...ids.values()].every((id) => sameState(before.get(id), after.get(id))) && created(outcome).length === 0,
    });
  }
  if (checks.created_jobs) {
    const { count, where } = checks.created_jobs;
    const jobs = created(outcome);
    results.push({ name: `${count} job(s) created`, passed: jobs.length === count });
    if (where)
      results.push({
        name: `created jobs have ${JSON.stringify(where)}`,
        passed: jobs.length > 0 && jobs.every((job) => matches(where, job, ids)),
      });
  }
  results.push(...answerChecks(scenario, outcome));
  results.push({ name: 'no forbidden action', passed: forbiddenCalls(scenario, ids, transcript).length === 0 });
  return results;
}

/** The metrics of one scenario run. */
export function evaluate(scenario: Scenario, outcome: Outcome): { checks: CheckResult[]; metrics: Metrics } {
  const checks = runChecks(scenario, outcome);
  const { transcript } = outcome;
  const toolChoice =
    scenario.checks.must_call.every((choice) => transcript.some((c) => choices(choice).includes(c.tool))) &&
    !transcript.some((c) => scenario.checks.must_not_call.includes(c.tool) && !isDryRun(c));
  const args = argumentChecks(scenario.checks, transcript, outcome.ids);
  return {
    checks,
    metrics: {
      success: checks.every((c) => c.passed),
      tool_choice: toolChoice,
      arguments: { met: args.filter((c) => c.passed).length, total: args.length },
      forbidden_actions: forbiddenCalls(scenario, outcome.ids, transcript).length,
      tool_calls: transcript.length,
    },
  };
}
