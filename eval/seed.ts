/**
 * @module eval/seed
 * Brings a fresh application to a scenario's seed state through its REST API, as the jobs'
 * owners would: each job is submitted (`POST /api/jobs/jdl`), walked through a legal path of
 * the job state machine to its status (`PATCH /api/jobs/status`, every update timestamped a
 * millisecond after the previous one) and given its site (`PATCH /api/jobs/metadata`). What no
 * API lets an owner set (SubmissionTime, RescheduleCounter: job attributes are immutable there,
 * as in DiracX 0.7.0) is written with the data layer's `updateJobAttributes`. Sandboxes are
 * registered and mapped to their job directly in the sandbox tables (the MCP test server runs
 * without a sandbox store), and job ids start at `FIRST_JOB_ID` (the id counter is moved on the
 * fresh database, PostgreSQL's or MariaDB's). Returns the id of every seeded job by its `ref`;
 * throws if a job does not end in its status.
 */
import { z } from 'zod';
import { assignSandboxes, ensureOwnerId, getSandbox, insertSandbox, jobEntityId } from '../src/db/sandboxes.ts';
import { updateJobAttributes } from '../src/db/job-status.ts';
import { quoteJdlString } from '../src/logic/jobs/jdl/print.ts';
import { SANDBOX_PFN_REGEX } from '../src/logic/sandboxes/pfn.ts';
import type { TestApp } from '../test/harness/app.ts';
import { personParts, type Person, type Scenario, type SeedJob, type SeedSandbox } from './scenario.ts';
import { setNextJobId } from '../test/harness/job-rows.ts';

/**
 * The id of the first seeded job. Grid job ids are large; ids 1, 2, 3 would also be read as the
 * counts and dates of an answer ("2 jobs failed") by the checks on the jobs it mentions.
 */
export const FIRST_JOB_ID = 73101;

/** The storage element the seeded sandboxes are registered on. */
export const SANDBOX_SE = 'SandboxSE';

/** A REST call as `person`; throws unless the status is `expected`. */
export async function rest(
  app: TestApp,
  person: Person,
  method: string,
  path: string,
  body: unknown,
  expected: number,
): Promise<unknown> {
  const [vo, group, user] = personParts(person);
  const headers = {
    'content-type': 'application/json',
    authorization: `Bearer ${await app.tokens.tokenFor(vo, group, user)}`,
  };
  const res = await app.fetch(path, { method, headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== expected) throw new Error(`seed: ${method} ${path} as ${person}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

/** Strictly increasing timestamps, never before the wall clock. */
export class SeedClock {
  private last = 0;
  next(): string {
    this.last = Math.max(Date.now(), this.last + 1);
    return new Date(this.last).toISOString();
  }
  /** Waits until every timestamp handed out is in the past, so later updates are newer. */
  async settle(): Promise<void> {
    while (Date.now() <= this.last + 1) await Bun.sleep(2);
  }
}

interface Step {
  status: string;
  minor_status?: string | undefined;
  application_status?: string | undefined;
}

/** The path from `Received` to each status, with the minor and application statuses DIRAC writes on the way. */
const PATHS: Record<SeedJob['status'], Step[]> = (() => {
  const checking = { status: 'Checking', minor_status: 'JobSanity' };
  const waiting = { status: 'Waiting', minor_status: 'Pilot Agent Submission' };
  const matched = { status: 'Matched', minor_status: 'Assigned' };
  const running = { status: 'Running', minor_status: 'Application', application_status: 'Running' };
  const toRunning = [checking, waiting, matched, running];
  return {
    Received: [],
    Checking: [checking],
    Waiting: [checking, waiting],
    Matched: [checking, waiting, matched],
    Running: toRunning,
    Stalled: [...toRunning, { status: 'Stalled', minor_status: 'Job stalled: pilot not running' }],
    Completing: [...toRunning, { status: 'Completing', minor_status: 'Uploading Output Sandbox' }],
    Done: [
      ...toRunning,
      { status: 'Done', minor_status: 'Execution Complete', application_status: 'Finished successfully' },
    ],
    Failed: [...toRunning, { status: 'Failed', minor_status: 'Application Finished With Errors' }],
    Killed: [checking, waiting, { status: 'Killed', minor_status: 'Marked for termination' }],
    Deleted: [checking, waiting, { status: 'Deleted', minor_status: 'Marked for deletion' }],
    Rescheduled: [...toRunning, { status: 'Rescheduled', minor_status: 'Job Rescheduled' }],
  };
})();

/** Who reports each status, as in DIRAC. */
const SOURCE: Record<string, string> = {
  Checking: 'JobSanity',
  Waiting: 'Optimizer',
  Matched: 'Matcher',
  Killed: 'JobManager',
  Deleted: 'JobManager',
};

/**
 * The statuses after `Received` a job goes through: its own history, or the default path with its
 * last step's statuses overridden.
 */
export function seedPath(job: SeedJob): Step[] {
  if (job.history) return job.history;
  const path = PATHS[job.status].map((s) => ({ ...s }));
  const last = path.at(-1);
  if (last) {
    if (job.minor_status !== undefined) last.minor_status = job.minor_status;
    if (job.application_status !== undefined) last.application_status = job.application_status;
  }
  return path;
}

/** The JDL of a seeded job. */
export function seedJdl(job: SeedJob): string {
  const lines = [`Executable = ${quoteJdlString(job.executable)};`];
  if (job.arguments !== undefined) lines.push(`Arguments = ${quoteJdlString(job.arguments)};`);
  if (job.name !== undefined) lines.push(`JobName = ${quoteJdlString(job.name)};`);
  if (job.job_group !== undefined) lines.push(`JobGroup = ${quoteJdlString(job.job_group)};`);
  return `[${lines.join(' ')}]`;
}

const Submitted = z.array(z.object({ JobID: z.number().int() })).length(1);
const StatusReply = z.object({ success: z.record(z.string(), z.object({ Status: z.string().nullable() })) });

async function seedJob(app: TestApp, clock: SeedClock, job: SeedJob): Promise<number> {
  const id = Submitted.parse(await rest(app, job.owner, 'POST', '/api/jobs/jdl', [seedJdl(job)], 201))[0]!.JobID;
  const path = seedPath(job);
  if (path.length > 0) {
    await clock.settle();
    const updates = Object.fromEntries(
      path.map((s) => [
        clock.next(),
        {
          Status: s.status,
          MinorStatus: s.minor_status,
          ApplicationStatus: s.application_status,
          Source: SOURCE[s.status] ?? 'JobWrapper',
        },
      ]),
    );
    const reply = StatusReply.parse(await rest(app, job.owner, 'PATCH', '/api/jobs/status', { [id]: updates }, 200));
    const reached = reply.success[String(id)]?.Status;
    if (reached !== job.status)
      throw new Error(`seed: job ${job.ref} ended in ${reached ?? 'nothing'}, not ${job.status}`);
  }
  if (job.site !== undefined)
    await rest(app, job.owner, 'PATCH', '/api/jobs/metadata', { [id]: { Site: job.site } }, 204);
  const history = {
    ...(job.submitted === undefined ? {} : { SubmissionTime: new Date(job.submitted) }),
    ...(job.reschedule_counter === undefined ? {} : { RescheduleCounter: job.reschedule_counter }),
  };
  await updateJobAttributes(app.database.session, new Map([[id, history]]));
  return id;
}

async function seedSandbox(
  app: TestApp,
  jobs: readonly SeedJob[],
  ids: ReadonlyMap<string, number>,
  sandbox: SeedSandbox,
): Promise<void> {
  if (!SANDBOX_PFN_REGEX.test(sandbox.pfn)) throw new Error(`seed: ${sandbox.pfn} is not a sandbox PFN`);
  const job = jobs.find((j) => j.ref === sandbox.job)!;
  const [vo, ownerGroup, owner] = personParts(job.owner);
  const db = app.database.session;
  const ownerId = await ensureOwnerId(db, { owner, ownerGroup, vo });
  await insertSandbox(db, { ownerId, seName: SANDBOX_SE, pfn: sandbox.pfn, bytes: 4096, now: new Date() });
  const row = await getSandbox(db, SANDBOX_SE, sandbox.pfn);
  if (!row) throw new Error(`seed: sandbox ${sandbox.pfn} was not registered`);
  await assignSandboxes(db, [{ sbId: row.sbId, entityId: jobEntityId(ids.get(sandbox.job)!), type: sandbox.type }]);
}

/** Seeds the scenario's jobs in order (ids FIRST_JOB_ID, FIRST_JOB_ID + 1, ... on a fresh database) and sandboxes. */
export async function seedScenario(app: TestApp, scenario: Scenario): Promise<Map<string, number>> {
  await setNextJobId(app.database, FIRST_JOB_ID);
  const clock = new SeedClock();
  const ids = new Map<string, number>();
  for (const job of scenario.seed.jobs) ids.set(job.ref, await seedJob(app, clock, job));
  for (const sandbox of scenario.seed.sandboxes) await seedSandbox(app, scenario.seed.jobs, ids, sandbox);
  await clock.settle();
  return ids;
}
