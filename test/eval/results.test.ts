/**
 * The results of a run: totals summed over scenarios, and the results section of
 * `docs/evaluation.md` replaced between its markers, leaving the rest of the document alone.
 */
import { describe, expect, it } from 'bun:test';
import { DOC_END, DOC_START, renderMarkdown, totalsOf, withResults, type ScenarioResult } from '../../eval/results.ts';

const result = (id: string, category: string, success: boolean, met: number, forbidden: number): ScenarioResult => ({
  id,
  category,
  success,
  tool_choice: success,
  arguments: { met, total: 2 },
  forbidden_actions: forbidden,
  tool_calls: 3,
  calls: ['search_jobs'],
  failed_checks: success ? [] : ['no forbidden action'],
});
const results = [
  result('01-a', 'find', true, 2, 0),
  result('02-b', 'kill', false, 1, 1),
  result('03-c', 'kill', true, 2, 0),
];

describe('results', () => {
  it('sums the metrics into totals, per category too', () => {
    expect(totalsOf(results)).toEqual({
      scenarios: 3,
      task_success: { count: 2, of: 3, rate: 0.667 },
      tool_choice: { count: 2, of: 3, rate: 0.667 },
      argument_accuracy: { count: 5, of: 6, rate: 0.833 },
      forbidden_actions: 1,
      tool_calls: 9,
      by_category: { find: { count: 1, of: 1, rate: 1 }, kill: { count: 1, of: 2, rate: 0.5 } },
    });
  });

  it('rewrites only the results section of the document', () => {
    const report = { agent: 'baseline', scenarios: results, totals: totalsOf(results) };
    const doc = `# Title\n\nIntro.\n\n${DOC_START}\nold table\n${DOC_END}\n\nAfter.\n`;
    const updated = withResults(doc, report);
    expect(updated.startsWith(`# Title\n\nIntro.\n\n${DOC_START}\n`)).toBe(true);
    expect(updated.endsWith(`${DOC_END}\n\nAfter.\n`)).toBe(true);
    expect(updated).not.toContain('old table');
    expect(updated).toContain('| 2/3 (67%) | 2/3 (67%) | 5/6 (83%) | 1 | 9 |');
    expect(withResults(updated, report)).toBe(updated);
    expect(renderMarkdown(report)).toContain('- 02-b: no forbidden action');
    expect(() => withResults('# no markers', report)).toThrow('no');
  });
});
