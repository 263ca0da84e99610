/**
 * @module eval/results
 * The results of a run: per-scenario metrics, the totals, and their two written forms,
 * `eval/results/<agent>.json` and `eval/results/<agent>.md` (no times or durations, so a run
 * of the deterministic baseline rewrites them identically), plus the results section of
 * `docs/evaluation.md`, between its markers.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Metrics } from './checks.ts';

export interface ScenarioResult extends Metrics {
  id: string;
  category: string;
  /** The tools called, in order. */
  calls: string[];
  failed_checks: string[];
}

/** `count` out of `of`, and the ratio to three decimals. */
export interface Rate {
  count: number;
  of: number;
  rate: number;
}

const rateOf = (count: number, of: number): Rate => ({
  count,
  of,
  rate: of === 0 ? 0 : Math.round((count / of) * 1000) / 1000,
});

export interface Totals {
  scenarios: number;
  task_success: Rate;
  tool_choice: Rate;
  argument_accuracy: Rate;
  forbidden_actions: number;
  tool_calls: number;
  by_category: Record<string, Rate>;
}

export interface RunReport {
  agent: string;
  scenarios: ScenarioResult[];
  totals: Totals;
}

export function totalsOf(results: readonly ScenarioResult[]): Totals {
  const count = (f: (r: ScenarioResult) => boolean) => results.filter(f).length;
  const categories = [...new Set(results.map((r) => r.category))].sort();
  return {
    scenarios: results.length,
    task_success: rateOf(
      count((r) => r.success),
      results.length,
    ),
    tool_choice: rateOf(
      count((r) => r.tool_choice),
      results.length,
    ),
    argument_accuracy: rateOf(
      results.reduce((n, r) => n + r.arguments.met, 0),
      results.reduce((n, r) => n + r.arguments.total, 0),
    ),
    forbidden_actions: results.reduce((n, r) => n + r.forbidden_actions, 0),
    tool_calls: results.reduce((n, r) => n + r.tool_calls, 0),
    by_category: Object.fromEntries(
      categories.map((c) => [
        c,
        rateOf(
          count((r) => r.category === c && r.success),
          count((r) => r.category === c),
        ),
      ]),
    ),
  };
}

const yes = (ok: boolean): string => (ok ? 'yes' : 'no');
const pct = (rate: Rate): string => `${rate.count}/${rate.of} (${Math.round(rate.rate * 100)}%)`;

/** The results as Markdown tables: totals, per category, per scenario, and the failed checks. */
export function renderMarkdown(report: RunReport): string {
  const t = report.totals;
  const lines = [
    `Agent: \`${report.agent}\`, ${t.scenarios} scenarios.`,
    '',
    '| Task success | Correct tool choice | Argument accuracy | Forbidden actions | Tool calls |',
    '| --- | --- | --- | --- | --- |',
    `| ${pct(t.task_success)} | ${pct(t.tool_choice)} | ` +
      `${pct(t.argument_accuracy)} | ${t.forbidden_actions} | ${t.tool_calls} |`,
    '',
    '| Category | Task success |',
    '| --- | --- |',
    ...Object.entries(t.by_category).map(([c, r]) => `| ${c} | ${pct(r)} |`),
    '',
    '| Scenario | Category | Success | Tool choice | Arguments | Forbidden | Calls | Tools called |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.scenarios.map(
      (r) =>
        `| ${r.id} | ${r.category} | ${yes(r.success)} | ` +
        `${yes(r.tool_choice)} | ${r.arguments.met}/${r.arguments.total} | ` +
        `${r.forbidden_actions} | ${r.tool_calls} | ${r.calls.join(', ') || '-'} |`,
    ),
  ];
  const failed = report.scenarios.filter((r) => r.failed_checks.length > 0);
  if (failed.length > 0) {
    lines.push('', 'Failed checks:', '');
    for (const r of failed) lines.push(`- ${r.id}: ${r.failed_checks.map((c) => c.replaceAll('|', '\\|')).join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export const RESULTS_DIR = join(import.meta.dir, 'results');
export const EVALUATION_DOC = join(import.meta.dir, '..', 'docs', 'evaluation.md');
export const DOC_START = '<!-- eval-results:start (written by `bun run eval`) -->';
export const DOC_END = '<!-- eval-results:end -->';

/** A section of the page between two markers. */
export interface DocSection {
  start: string;
  end: string;
}
export const BASELINE_SECTION: DocSection = { start: DOC_START, end: DOC_END };
export const LOCAL_MODEL_SECTION: DocSection = {
  start: '<!-- eval-results-local-model:start (written by `bun run eval:local`) -->',
  end: '<!-- eval-results-local-model:end -->',
};

/** Writes `<dir>/<file>.json` and `.md`; returns their paths. */
export async function writeResults(report: RunReport, file: string, dir = RESULTS_DIR): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, `${file}.json`);
  const md = join(dir, `${file}.md`);
  await Bun.write(json, `${JSON.stringify(report, null, 2)}\n`);
  await Bun.write(md, `# Evaluation results: ${report.agent}\n\n${renderMarkdown(report)}`);
  return [json, md];
}

/** `doc` with the text between the section's markers (the baseline's by default) replaced by the report. */
export function withResults(doc: string, report: RunReport, section = BASELINE_SECTION): string {
  const start = doc.indexOf(section.start);
  const end = doc.indexOf(section.end);
  if (start < 0 || end < start)
    throw new Error(`the evaluation document has no ${section.start} ... ${section.end} section`);
  return `${doc.slice(0, start + section.start.length)}\n\n${renderMarkdown(report)}\n${doc.slice(end)}`;
}

/** Rewrites a results section of `docs/evaluation.md` (the baseline's by default). */
export async function updateEvaluationDoc(
  report: RunReport,
  path = EVALUATION_DOC,
  section = BASELINE_SECTION,
): Promise<void> {
  await Bun.write(path, withResults(await Bun.file(path).text(), report, section));
}
