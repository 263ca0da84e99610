/**
 * @module eval/scenario
 * The declarative evaluation scenario: who asks (a person of the shipped configuration), the
 * seed state (jobs with a local `ref`, their owner, JDL fields and the status they are brought
 * to; output/input sandboxes), the request in natural language (`{{ref}}` stands for the id of
 * a seeded job), and the checks on the outcome (tools called and not called, arguments, final
 * job states, jobs created, the answer). One YAML file per scenario under `eval/scenarios/`,
 * parsed with `Bun.YAML.parse` and validated here. No I/O beyond reading those files.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** A JSON value, as scenario files and tool arguments hold them. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export const Json: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(Json), z.record(z.string(), Json)]),
);

/** The people a scenario may name, as `vo/group/user` (see `src/config/default.yml`). */
export const PEOPLE = [
  'lhcb/lhcb_user/chaen',
  'lhcb/lhcb_user/albdr',
  'gridpp/gridpp_user/alice',
  'lhcb/lhcb_admin/lhcbadmin',
] as const;
export const Person = z.enum(PEOPLE);
export type Person = z.infer<typeof Person>;

/** `[vo, group, user]` of a person. */
export function personParts(person: Person): [string, string, string] {
  const [vo, group, user] = person.split('/');
  return [vo!, group!, user!];
}

/** The statuses a seeded job can be brought to (see `eval/seed.ts` for the paths). */
export const SEED_STATUSES = [
  'Received',
  'Checking',
  'Waiting',
  'Matched',
  'Running',
  'Stalled',
  'Completing',
  'Done',
  'Failed',
  'Killed',
  'Deleted',
  'Rescheduled',
] as const;
const SeedStatus = z.enum(SEED_STATUSES);

const Ref = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a ref is a lower-case name');

const HistoryStep = z
  .object({ status: SeedStatus, minor_status: z.string().optional(), application_status: z.string().optional() })
  .strict();

export const SeedJob = z
  .object({
    ref: Ref,
    owner: Person,
    name: z.string().optional(),
    executable: z.string().default('echo'),
    arguments: z.string().optional(),
    job_group: z.string().optional(),
    /** Where the job ran (the `Site` attribute, set after submission). */
    site: z.string().optional(),
    /** The submission time to record instead of now (ISO 8601 with zone). */
    submitted: z.iso.datetime({ offset: true }).optional(),
    /** The status the job ends in, through a legal path of the state machine. */
    status: SeedStatus,
    minor_status: z.string().optional(),
    application_status: z.string().optional(),
    /** The statuses after `Received`, replacing the default path; the last one is `status`. */
    history: z.array(HistoryStep).min(1).optional(),
    reschedule_counter: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((job) => !job.history || job.history.at(-1)!.status === job.status, {
    message: 'the last history step must be the job status',
  });
export type SeedJob = z.infer<typeof SeedJob>;

export const SeedSandbox = z
  .object({
    job: Ref,
    type: z.enum(['Input', 'Output']),
    /** The sandbox PFN without its SE prefix: `/S3/<bucket>/<vo>/<group>/<user>/sha256:<hex>.<format>`. */
    pfn: z.string(),
  })
  .strict();
export type SeedSandbox = z.infer<typeof SeedSandbox>;

/** One tool, or any of several (`[kill_jobs, set_job_statuses]`). */
const ToolChoice = z.union([z.string(), z.array(z.string()).min(1)]);
export type ToolChoice = z.infer<typeof ToolChoice>;

export const JobExpectation = z
  .object({
    status: z.string().optional(),
    minor_status: z.string().optional(),
    reschedule_counter: z.number().int().optional(),
    /** Status, minor and application status, counter and site as seeded. */
    unchanged: z.literal(true).optional(),
  })
  .strict();
export type JobExpectation = z.infer<typeof JobExpectation>;

/** A string the answer must contain, or a list of which it must contain one (case-insensitive). */
const Mention = z.union([z.string(), z.array(z.string()).min(1)]);
export type Mention = z.infer<typeof Mention>;

export const Checks = z
  .object({
    must_call: z.array(ToolChoice).default([]),
    must_not_call: z.array(z.string()).default([]),
    /** Per tool, a partial match on the arguments of at least one call (see `eval/match.ts`). */
    arguments: z.array(z.object({ tool: ToolChoice, match: z.record(z.string(), Json) }).strict()).default([]),
    final_state: z.record(Ref, JobExpectation).default({}),
    /** Every seeded job unchanged and no job created. */
    no_changes: z.boolean().default(false),
    /** Jobs that exist afterwards and did not before: how many, and attributes each must have. */
    created_jobs: z
      .object({ count: z.number().int().min(0), where: z.record(z.string(), Json).optional() })
      .strict()
      .optional(),
    answer: z
      .object({
        mentions_refs: z.array(Ref).default([]),
        excludes_refs: z.array(Ref).default([]),
        mentions: z.array(Mention).default([]),
        excludes: z.array(z.string()).default([]),
        /** Regular expressions (case-insensitive) the answer must match, and must not. */
        matches: z.array(z.string()).default([]),
        not_matches: z.array(z.string()).default([]),
        /** The answer says "not allowed" or "no such job" (or a close wording). */
        refuses: z.boolean().default(false),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Checks = z.infer<typeof Checks>;

export const CATEGORIES = [
  'find',
  'summary',
  'diagnose',
  'submit',
  'kill',
  'reschedule',
  'refuse',
  'not-found',
  'info',
] as const;

export const Scenario = z
  .object({
    id: z.string().regex(/^\d{2}-[a-z0-9-]+$/),
    title: z.string().min(1),
    category: z.enum(CATEGORIES),
    user: Person,
    seed: z
      .object({ jobs: z.array(SeedJob).default([]), sandboxes: z.array(SeedSandbox).default([]) })
      .strict()
      .default({ jobs: [], sandboxes: [] }),
    request: z.string().min(1),
    checks: Checks,
  })
  .strict();
export type Scenario = z.infer<typeof Scenario>;

/** Every `ref` a scenario uses that its seed does not define. */
export function unknownRefs(scenario: Scenario): string[] {
  const known = new Set(scenario.seed.jobs.map((j) => j.ref));
  const used = [
    ...[...scenario.request.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!),
    ...scenario.seed.sandboxes.map((s) => s.job),
    ...Object.keys(scenario.checks.final_state),
    ...(scenario.checks.answer?.mentions_refs ?? []),
    ...(scenario.checks.answer?.excludes_refs ?? []),
    ...scenario.checks.arguments.flatMap((a) => refsIn(a.match)),
  ];
  return [...new Set(used.filter((ref) => !known.has(ref)))];
}

/** The `{ref: name}` leaves of an expected value. */
export function refsIn(value: Json): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'ref' && typeof value.ref === 'string') return [value.ref];
  return Object.values(value).flatMap(refsIn);
}

/** Parses one scenario file's text; throws naming the file and the problem. */
export function parseScenario(text: string, file: string): Scenario {
  const parsed = Scenario.safeParse(Bun.YAML.parse(text));
  if (!parsed.success)
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const expectedId = file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  if (parsed.data.id !== expectedId) throw new Error(`${file}: id ${parsed.data.id} does not match the file name`);
  const missing = unknownRefs(parsed.data);
  if (missing.length > 0) throw new Error(`${file}: unknown refs ${missing.join(', ')}`);
  const answer = parsed.data.checks.answer;
  for (const pattern of [...(answer?.matches ?? []), ...(answer?.not_matches ?? [])]) new RegExp(pattern, 'i');
  return parsed.data;
}

/** The directory of the shipped scenarios. */
export const SCENARIO_DIR = join(import.meta.dir, 'scenarios');

/** Every scenario under `dir`, in file-name order. */
export async function loadScenarios(dir = SCENARIO_DIR): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  return Promise.all(files.map(async (f) => parseScenario(await Bun.file(join(dir, f)).text(), join(dir, f))));
}

/** `request` with every `{{ref}}` replaced by that job's id. */
export function renderRequest(request: string, ids: ReadonlyMap<string, number>): string {
  return request.replace(/\{\{(\w+)\}\}/g, (_, ref: string) => {
    const id = ids.get(ref);
    if (id === undefined) throw new Error(`unknown ref ${ref}`);
    return String(id);
  });
}
