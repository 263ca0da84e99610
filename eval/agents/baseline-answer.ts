/**
 * @module eval/agents/baseline-answer
 * The baseline agent's answer: one short sentence per tool call, built from the shape of the
 * structured result (rows, counts, groups, history, status changes, a reschedule, a
 * submission, an identity, limits, sandboxes, a JDL check), never from a language model. Tool
 * errors become "not allowed" (FORBIDDEN) or "no such job" (NOT_FOUND). Times are left out so
 * the answer is the same on every run.
 */
import { z } from 'zod';
import { errorCode, type ToolOutcome } from '../agent.ts';

const Row = z.record(z.string(), z.unknown());
const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
const known = (value: unknown): boolean => !['', 'Unknown', 'idem', 'null'].includes(text(value));

/** A job row in a few words: id, name, status, minor and application status, site, owner, reschedules. */
export function describeJob(row: Record<string, unknown>): string {
  const parts = [`job ${text(row.JobID)}`];
  if (known(row.JobName)) parts.push(`"${text(row.JobName)}"`);
  const details = [row.MinorStatus, row.ApplicationStatus].filter(known).map(text);
  parts.push(`${text(row.Status)}${details.length > 0 ? ` (${details.join('; ')})` : ''}`);
  if (known(row.Site)) parts.push(`at ${text(row.Site)}`);
  if (known(row.Owner)) parts.push(`owner ${text(row.Owner)}`);
  if (typeof row.RescheduleCounter === 'number' && row.RescheduleCounter > 0)
    parts.push(`rescheduled ${row.RescheduleCounter} times`);
  return parts.join(' ');
}

const History = z.object({ job_id: z.number(), history: z.array(Row) });
const Changes = z.object({
  dry_run: z.boolean(),
  changes: z.array(z.object({ job_id: z.number(), current_status: z.string(), resulting_status: z.string() })),
});
const Reschedule = z.object({
  data: z.object({
    success: z.record(z.string(), Row),
    failed: z.record(z.string(), z.object({ detail: z.string() })),
  }),
});
const Plan = z.object({
  plan: z.array(
    z.object({ job_id: z.number(), outcome: z.string(), current_status: z.string(), resulting_status: z.string() }),
  ),
});
const Groups = z.object({ grouping: z.array(z.string()), groups: z.array(Row) });
const Sandboxes = z.object({
  job_id: z.number(),
  sandboxes: z.object({
    input: z.array(z.object({ pfn: z.string() })),
    output: z.array(z.object({ pfn: z.string() })),
  }),
});
const Whoami = z.object({
  preferred_username: z.string(),
  vo: z.string(),
  group: z.string(),
  properties: z.array(z.string()),
});
const Limits = z.object({ job_limits: z.record(z.string(), z.unknown()).nullable() });
const Validation = z.object({
  valid: z.boolean(),
  errors: z.array(z.object({ message: z.string() })),
  job_count: z.number(),
});
const Jdl = z.object({ job_id: z.number(), original_jdl: z.string() });

/** One sentence for a successful result, by its shape. */
function describeResult(r: Record<string, unknown>): string {
  const rows = z.array(Row).safeParse(r.data);
  if (rows.success)
    return rows.data.length === 0
      ? 'No matching jobs found.'
      : `Found ${rows.data.length} job(s): ${rows.data.map(describeJob).join('; ')}.`;
  const one = Row.safeParse(r.data);
  if (one.success && 'JobID' in one.data) return `${describeJob(one.data)}.`;
  const summary = z.record(z.string(), z.number()).safeParse(r.status_summary);
  if (summary.success)
    return `Jobs per status: ${Object.entries(summary.data)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')} (total ${text(r.total_jobs)}).`;
  const groups = Groups.safeParse(r);
  if (groups.success) {
    const { grouping } = groups.data;
    const counts = groups.data.groups.map((g) => `${grouping.map((k) => text(g[k])).join('/')} ${text(g.count)}`);
    return `Counts by ${grouping.join(', ')}: ${counts.join('; ')}.`;
  }
  const history = History.safeParse(r);
  if (history.success) {
    const steps = history.data.history.map(
      (h) =>
        `${text(h.Status)}${[h.MinorStatus, h.ApplicationStatus]
          .filter(known)
          .map((x) => ` ${text(x)}`)
          .join(';')}`,
    );
    return `Job ${history.data.job_id} history: ${steps.join(' -> ')}.`;
  }
  const changes = Changes.safeParse(r);
  if (changes.success) {
    const each = changes.data.changes.map((c) => `job ${c.job_id} ${c.current_status} -> ${c.resulting_status}`);
    return `${changes.data.dry_run ? 'Dry run, nothing changed: ' : ''}${each.join('; ')}.`;
  }
  const plan = Plan.safeParse(r);
  if (plan.success) {
    const each = plan.data.plan.map(
      (p) => `job ${p.job_id} ${p.outcome} (${p.current_status} -> ${p.resulting_status})`,
    );
    return `Dry run, nothing changed: ${each.join('; ')}.`;
  }
  const reschedule = Reschedule.safeParse(r);
  if (reschedule.success) {
    const done = Object.entries(reschedule.data.data.success).map(
      ([id, row]) => `job ${id} rescheduled (${text(row.Status)}, counter ${text(row.RescheduleCounter)})`,
    );
    const failed = Object.entries(reschedule.data.data.failed).map(
      ([id, f]) => `job ${id} not rescheduled: ${f.detail}`,
    );
    return `${[...done, ...failed].join('; ')}.`;
  }
  const submitted = z.array(z.number()).safeParse(r.job_ids);
  if (submitted.success) return `Submitted job(s) ${submitted.data.join(', ')}.`;
  const sandboxes = Sandboxes.safeParse(r);
  if (sandboxes.success) {
    const list = (entries: { pfn: string }[]) => entries.map((e) => e.pfn).join(', ') || 'none';
    return (
      `Job ${sandboxes.data.job_id} sandboxes: input ${list(sandboxes.data.sandboxes.input)}; output ` +
      `${list(sandboxes.data.sandboxes.output)}.`
    );
  }
  const whoami = Whoami.safeParse(r);
  if (whoami.success)
    return (
      `You are ${whoami.data.preferred_username} in group ${whoami.data.group} of VO ${whoami.data.vo}, with ` +
      `properties ${whoami.data.properties.join(', ')}.`
    );
  const validation = Validation.safeParse(r);
  if (validation.success)
    return validation.data.valid
      ? `The JDL is valid (${validation.data.job_count} job(s)).`
      : `The JDL is invalid: ${validation.data.errors.map((e) => e.message).join('; ')}.`;
  const jdl = Jdl.safeParse(r);
  if (jdl.success) return `JDL of job ${jdl.data.job_id}: ${jdl.data.original_jdl}`;
  const limits = Limits.safeParse(r);
  if (limits.success && limits.data.job_limits)
    return `Job limits: ${Object.entries(limits.data.job_limits)
      .map(([k, v]) => `${k} ${text(v)}`)
      .join(', ')}.`;
  return 'Done.';
}

/** The sentence for one call's outcome; `subject` names what it was about (e.g. "job 7"). */
export function describeOutcome(outcome: ToolOutcome, subject: string): string {
  if (!outcome.isError) return describeResult(outcome.structured ?? {});
  const code = errorCode(outcome.text);
  if (code === 'FORBIDDEN') return `${subject}: not allowed.`;
  if (code === 'NOT_FOUND') return `${subject}: no such job.`;
  return `${subject}: error: ${outcome.text}`;
}
