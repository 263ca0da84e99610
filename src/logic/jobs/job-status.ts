/**
 * @module logic/jobs/job-status
 * DiracX's job statuses (`core/models/job.py: JobStatus`) and DIRAC's job state machine
 * (`DIRACCommon: JobStatus.JobsStateMachine`). A transition the machine does not allow is not an
 * error: the job keeps its state's default (its current status), exactly as DIRAC's
 * `transitionRule`; `Deleted` has no rule, so any status is accepted from it (a DIRAC quirk kept
 * on purpose because DiracX's behaviour depends on it).
 */

/** Every status the API accepts (`Scouting` exists in DIRAC's machine but not in the API). */
export const JOB_STATUSES = [
  'Submitting',
  'Received',
  'Checking',
  'Staging',
  'Waiting',
  'Matched',
  'Running',
  'Stalled',
  'Completing',
  'Done',
  'Completed',
  'Failed',
  'Deleted',
  'Killed',
  'Rescheduled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The payload has finished: the end of execution is recorded on reaching one of these. */
export const FINAL_STATUSES: readonly string[] = ['Done', 'Completed', 'Failed', 'Killed'];

interface StateRule {
  next: readonly string[];
  /** What a disallowed candidate becomes (the state itself). */
  fallback: string | undefined;
}

const rule = (state: string, next: string[]): [string, StateRule] => [state, { next, fallback: state }];

const MACHINE: ReadonlyMap<string, StateRule> = new Map([
  rule('Submitting', ['Received', 'Checking', 'Deleted', 'Killed']),
  rule('Received', ['Scouting', 'Checking', 'Staging', 'Waiting', 'Failed', 'Deleted', 'Killed']),
  rule('Checking', ['Scouting', 'Staging', 'Waiting', 'Rescheduled', 'Failed', 'Deleted', 'Killed']),
  rule('Scouting', ['Checking', 'Failed', 'Stalled', 'Killed']),
  rule('Staging', ['Checking', 'Waiting', 'Failed', 'Killed']),
  rule('Waiting', ['Matched', 'Rescheduled', 'Deleted', 'Killed']),
  rule('Matched', ['Running', 'Failed', 'Rescheduled', 'Killed']),
  rule('Rescheduled', ['Waiting', 'Received', 'Deleted', 'Failed', 'Killed']),
  rule('Running', ['Stalled', 'Done', 'Failed', 'Rescheduled', 'Completing', 'Killed', 'Received']),
  rule('Stalled', ['Running', 'Failed', 'Killed']),
  rule('Completing', ['Done', 'Failed', 'Completed', 'Stalled', 'Killed']),
  rule('Completed', ['Done', 'Failed']),
  rule('Done', ['Deleted']),
  rule('Failed', ['Rescheduled', 'Deleted']),
  rule('Killed', ['Deleted']),
  ['Deleted', { next: [], fallback: undefined }],
]);

/**
 * The status a job in `current` ends up in when `candidate` is asked for: the candidate if the
 * machine allows it, the state's fallback otherwise, the candidate when there is no fallback.
 */
export function transitionRule(current: string, candidate: string): string {
  const state = MACHINE.get(current);
  if (!state) return candidate;
  if (state.next.includes(candidate)) return candidate;
  return state.fallback ?? candidate;
}
