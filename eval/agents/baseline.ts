/**
 * @module eval/agents/baseline
 * The deterministic baseline agent, with no language model: it ranks the tools against the
 * request's words (values such as ids and sites left out) with BM25 over each tool's name,
 * description and input properties (names and descriptions), considers a tool that changes
 * something only when the request says its verb ("kill", "reschedule", "submit"), keeps only
 * tools that take job ids when the request names some, and calls
 * the best one it can fill arguments for (`baseline-rules.ts`). A tool that works on jobs and
 * gets no ids from the request is fed the ids found by a job search on the request's
 * conditions (one follow-up); before changing jobs named by id it looks them up and acts only
 * on those it can see. The answer is built from the results (`baseline-answer.ts`). Its score
 * is the floor any model must beat, and measures how well descriptions and schemas alone
 * guide a chooser.
 */
import { z } from 'zod';
import { inputProperties, type Agent, type AgentTask, type ToolInfo } from '../agent.ts';
import { Bm25 } from '../bm25.ts';
import { describeOutcome } from './baseline-answer.ts';
import { conditionsOf, fillArguments, flatten, readFacts, wordsOnly, type Facts } from './baseline-rules.ts';

/** The text BM25 indexes for a tool: its name (weighted three times), description and input properties. */
export function toolText(tool: ToolInfo): string {
  const { properties } = inputProperties(tool);
  const name = tool.name.replaceAll('_', ' ');
  const props = Object.entries(properties).map(
    ([p, schema]) => `${p.replaceAll('_', ' ')} ${schema.description ?? ''}`,
  );
  return [name, name, name, tool.description, ...props].join(' ');
}

const takesJobIds = (tool: ToolInfo): boolean => {
  const { properties } = inputProperties(tool);
  return 'job_id' in properties || 'job_ids' in properties;
};

/** The read-only tool that searches jobs by condition and returns rows. */
const isJobFinder = (tool: ToolInfo): boolean => {
  const { properties } = inputProperties(tool);
  return (
    tool.annotations.readOnlyHint === true &&
    /job/.test(tool.name) &&
    ['parameter', 'operator', 'result_fields'].every((p) => p in properties)
  );
};

/**
 * Whether the request may lead to `tool`: a tool that changes something only when the request
 * uses, as such, the verb its name starts with ("kill" for kill_jobs, "submit" for submit_job;
 * "submitted" or "rescheduled" describe the past and do not count).
 */
function allowedBy(tool: ToolInfo, requestWords: ReadonlySet<string>): boolean {
  return tool.annotations.readOnlyHint === true || requestWords.has(tool.name.split('_')[0] ?? '');
}

const FoundRows = z.object({ data: z.array(z.object({ JobID: z.number() }).loose()) });

/** Works on jobs with `tool`: ids from the request, or from a search on its conditions. */
async function actOnJobs(task: AgentTask, tool: ToolInfo, facts: Facts): Promise<string[]> {
  const finder = task.tools.find(isJobFinder);
  const lines: string[] = [];
  let ids = facts.jobIds;
  /** The ids a search finds; its rows go into the answer when `report`. */
  const search = async (args: Record<string, unknown>, report: boolean): Promise<number[] | undefined> => {
    if (!finder) return undefined;
    const found = await task.call(finder.name, { ...args, per_page: 100 });
    const rows = FoundRows.safeParse(found.structured);
    if (report || !rows.success) lines.push(describeOutcome(found, 'search'));
    return rows.success ? rows.data.data.map((r) => r.JobID) : undefined;
  };
  if (ids.length === 0) {
    const conditions = conditionsOf(facts);
    if (conditions.length === 0 || !finder) return ['Which jobs? Please give their ids.'];
    ids = (await search(flatten(conditions), true)) ?? [];
    if (ids.length === 0) return lines;
  } else if (tool.annotations.readOnlyHint === false) {
    const visible = (await search({ parameter: 'JobID', operator: 'in', values: ids }, false)) ?? ids;
    for (const id of ids) if (!visible.includes(id)) lines.push(`job ${id}: no such job, or not allowed.`);
    ids = ids.filter((id) => visible.includes(id));
    if (ids.length === 0) return lines;
  }
  const batch = 'job_ids' in inputProperties(tool).properties;
  for (const group of batch ? [ids] : ids.slice(0, 3).map((id) => [id])) {
    const args = fillArguments(tool, facts, group);
    if (!args) return [...lines, `I do not know how to call ${tool.name} for this request.`];
    lines.push(describeOutcome(await task.call(tool.name, args), `job ${group.join(', ')}`));
  }
  return lines;
}

async function run(task: AgentTask): Promise<{ answer: string }> {
  const facts = readFacts(task.request);
  const byName = new Map(task.tools.map((t) => [t.name, t]));
  const bm25 = new Bm25(task.tools.map((t) => ({ id: t.name, text: toolText(t) })));
  const words = wordsOnly(task.request);
  const plainWords = new Set(words.toLowerCase().split(/[^a-z]+/));
  let ranked = bm25
    .rank(words)
    .map((hit) => byName.get(hit.id)!)
    .filter((tool) => allowedBy(tool, plainWords));
  if (facts.jobIds.length > 0 && ranked.some(takesJobIds)) ranked = ranked.filter(takesJobIds);
  const top = ranked[0];
  if (!top) return { answer: 'No tool is available.' };
  if (takesJobIds(top)) return { answer: (await actOnJobs(task, top, facts)).join(' ') };
  for (const tool of ranked) {
    const args = fillArguments(tool, facts);
    if (args) return { answer: describeOutcome(await task.call(tool.name, args), tool.name) };
  }
  return { answer: 'I could not find a tool for this request.' };
}

export const baselineAgent: Agent = { name: 'baseline', run };
