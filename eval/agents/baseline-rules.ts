/**
 * @module eval/agents/baseline-rules
 * The baseline agent's rules for reading a request: job ids (numbers after "job"/"jobs" or
 * "#"), DIRAC status words, site names (`LCG.CERN.cern`), submission dates after "before" /
 * "since", a job name after "called"/"named", an owner from "<name>'s jobs", dry-run and
 * reset wordings, grouping words, and the fields of a job to submit (a backquoted command or a
 * script name, arguments, memory, CPU time, an inline JDL). Then the arguments of a tool are
 * filled from these facts by input property name. No language model, no scenario knowledge.
 */
import { JOB_STATUSES } from '../../src/logic/jobs/job-status.ts';
import { inputProperties, type ToolInfo } from '../agent.ts';

export interface Condition {
  parameter: string;
  operator: string;
  value?: string | number;
  values?: string[];
}

export interface Facts {
  jobIds: number[];
  statuses: string[];
  sites: string[];
  /** Submission time bounds, as ISO dates. */
  before: string | undefined;
  after: string | undefined;
  jobName: string | undefined;
  owner: string | undefined;
  dryRun: boolean;
  resetCounter: boolean;
  /** Killed or Deleted, from the verb used. */
  targetStatus: 'Killed' | 'Deleted' | undefined;
  grouping: string[];
  submit: { executable?: string; arguments?: string; memory?: number; cpuSeconds?: number; jdl?: string };
}

const unique = <T>(items: T[]): T[] => [...new Set(items)];

function jobIdsIn(text: string): number[] {
  const ids: number[] = [];
  for (const m of text.matchAll(/\bjobs?\s+(?:ids?\s+)?(#?\d+(?:\s*(?:,|and|&|or)\s*#?\d+)*)/gi))
    ids.push(...[...m[1]!.matchAll(/\d+/g)].map((d) => Number(d[0])));
  for (const m of text.matchAll(/#(\d+)/g)) ids.push(Number(m[1]));
  return unique(ids);
}

const NOT_OWNERS = new Set(['it', 'that', 'what', 'there', 'here', 'let', 'who', 'everyone', 'today', 'site']);

const SECONDS: Record<string, number> = {
  h: 3600,
  hour: 3600,
  hr: 3600,
  m: 60,
  min: 60,
  minute: 60,
  s: 1,
  sec: 1,
  second: 1,
};

function submitFacts(text: string): Facts['submit'] {
  const submit: Facts['submit'] = {};
  const jdl = /\[[^\]]*=[^\]]*\]/s.exec(text)?.[0];
  if (jdl) submit.jdl = jdl;
  const command = /`([^`]+)`/.exec(text)?.[1]?.trim().split(/\s+/);
  const script = /(?:^|\s)((?:\.{0,2}\/)?[\w./-]+\.(?:sh|py|exe|C|cpp|bin))\b/.exec(text)?.[1];
  if (command?.[0]) {
    submit.executable = command[0];
    if (command.length > 1) submit.arguments = command.slice(1).join(' ');
  } else if (script) submit.executable = script;
  const args = /\barguments?\s+["'`]([^"'`]+)["'`]/i.exec(text)?.[1];
  if (args) submit.arguments = args;
  const memory = /(\d+(?:\.\d+)?)\s*(MB|GB)\b/i.exec(text);
  if (memory) submit.memory = Math.round(Number(memory[1]) * (memory[2]!.toUpperCase() === 'GB' ? 1024 : 1));
  const cpu = /\bcpu\b/i.test(text)
    ? /(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|seconds?|secs?)\b/i.exec(text)
    : null;
  if (cpu) submit.cpuSeconds = Math.round(Number(cpu[1]) * (SECONDS[cpu[2]!.toLowerCase().replace(/s$/, '')] ?? 1));
  return submit;
}

/** What the rules read in a request. */
export function readFacts(text: string): Facts {
  const statuses = JOB_STATUSES.filter((s) => new RegExp(`\\b${s}\\b`, 'i').test(text));
  const sites = unique([...text.matchAll(/\b[A-Z]{2,}\.[A-Za-z0-9-]+\.[a-z]{2,}\b/g)].map((m) => m[0]));
  const dates = [...text.matchAll(/\b(before|until|after|since|from)\s+(\d{4}-\d{2}-\d{2})\b/gi)];
  const date = (words: string[]) => dates.find((m) => words.includes(m[1]!.toLowerCase()))?.[2];
  const owner = /\b([a-z][a-z0-9_]*)'s\s+(?:\w+\s+){0,2}jobs?\b/i.exec(text)?.[1]?.toLowerCase();
  const grouping = [
    /\bsites?\b/i.test(text) ? 'Site' : '',
    /\b(?:users?|owners?|whose|each person)\b/i.test(text) ? 'Owner' : '',
  ].filter(Boolean);
  if (grouping.length === 0 || /\b(?:status|statuses|state|states)\b/i.test(text)) grouping.push('Status');
  return {
    jobIds: jobIdsIn(text),
    statuses,
    sites,
    before: date(['before', 'until']),
    after: date(['after', 'since', 'from']),
    jobName: /\b(?:called|named|call it|name it)\s+["'`]?([\w.-]*\w)/i.exec(text)?.[1],
    owner: owner && !NOT_OWNERS.has(owner) ? owner : undefined,
    dryRun:
      /\bdry[ -]?run\b|would happen|don'?t actually|do not actually|without (?:actually )?(?:changing|doing)/i.test(
        text,
      ),
    resetCounter: /\breset\b/i.test(text),
    targetStatus: /\b(?:delete|remove|clean up)\b/i.test(text)
      ? 'Deleted'
      : /\b(?:kill|cancel|stop|abort)\b/i.test(text)
        ? 'Killed'
        : undefined,
    grouping,
    submit: submitFacts(text),
  };
}

/**
 * The words of the request without the values the rules read (JDL, quoted text, sites, dates,
 * numbers): values say which jobs, not which tool, and tool examples that happen to hold
 * the same value would otherwise win the ranking.
 */
export function wordsOnly(text: string): string {
  return text
    .replace(/\[[^\]]*=[^\]]*\]/gs, ' ')
    .replace(/`[^`]*`|"[^"]*"|(?<=^|\s)'[^']+'(?=[\s.,;:!?)]|$)/g, ' ')
    .replace(/\b[A-Z]{2,}\.[A-Za-z0-9-]+\.[a-z]{2,}\b/g, ' ')
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, ' ')
    .replace(/#?\b\d+(?:\.\d+)?\b/g, ' ');
}

/** The search conditions the facts describe (job ids excluded). */
export function conditionsOf(facts: Facts): Condition[] {
  const oneOrMore = (parameter: string, values: string[]): Condition[] =>
    values.length === 0
      ? []
      : values.length === 1
        ? [{ parameter, operator: 'eq', value: values[0]! }]
        : [{ parameter, operator: 'in', values }];
  return [
    ...oneOrMore('Status', facts.statuses),
    ...oneOrMore('Site', facts.sites),
    ...(facts.before ? [{ parameter: 'SubmissionTime', operator: 'lt', value: facts.before }] : []),
    ...(facts.after ? [{ parameter: 'SubmissionTime', operator: 'gt', value: facts.after }] : []),
    ...(facts.jobName ? [{ parameter: 'JobName', operator: 'eq', value: facts.jobName }] : []),
    ...(facts.owner ? [{ parameter: 'Owner', operator: 'eq', value: facts.owner }] : []),
  ];
}

/** A flattened condition call: the first condition on top, the others in `extra_conditions`. */
export function flatten(conditions: readonly Condition[]): Record<string, unknown> {
  const [first, ...rest] = conditions;
  if (!first) return {};
  return { ...first, ...(rest.length > 0 ? { extra_conditions: JSON.stringify(rest) } : {}) };
}

/**
 * The arguments of `tool` for these facts, by input property name; `undefined` when a required
 * property has no value. `jobIds` overrides the ids read in the request.
 */
export function fillArguments(
  tool: ToolInfo,
  facts: Facts,
  jobIds: readonly number[] = facts.jobIds,
): Record<string, unknown> | undefined {
  const { properties, required } = inputProperties(tool);
  const found = conditionsOf(facts);
  // A search that must have a condition and was given none: every job.
  const conditions = flatten(
    found.length > 0 || !required.includes('parameter') ? found : [{ parameter: 'JobID', operator: 'gt', value: 0 }],
  );
  const s = facts.submit;
  const candidates: Record<string, unknown> = {
    job_id: jobIds[0],
    job_ids: jobIds.length > 0 ? [...jobIds] : undefined,
    ...conditions,
    grouping: facts.grouping,
    dry_run: facts.dryRun,
    reset_counter: facts.resetCounter || undefined,
    status: facts.targetStatus,
    per_page: 100,
    jdl_content: s.jdl,
    executable: s.jdl ? undefined : s.executable,
    arguments: s.arguments,
    job_name: facts.jobName,
    site: facts.sites[0],
    memory: s.memory,
    max_cpu_time: s.cpuSeconds,
  };
  const args = Object.fromEntries(
    Object.keys(properties)
      .filter((p) => candidates[p] !== undefined)
      .map((p) => [p, candidates[p]]),
  );
  return required.every((p) => p in args) ? args : undefined;
}
