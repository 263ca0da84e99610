/**
 * BM25 and the tokenizer on small examples, the core tools ranked for a few plain requests,
 * and the baseline agent's rules reading requests (ids, statuses, sites, dates, submission
 * fields) and filling tool arguments.
 */
import { describe, expect, it } from 'bun:test';
import { z } from 'zod';
import { CORE_TOOLS } from '../../src/tools/core.ts';
import type { ToolInfo } from '../../eval/agent.ts';
import { toolText } from '../../eval/agents/baseline.ts';
import { conditionsOf, fillArguments, readFacts, wordsOnly } from '../../eval/agents/baseline-rules.ts';
import { Bm25, stem, tokenize } from '../../eval/bm25.ts';

/** The core tools as `tools/list` describes them. */
const TOOLS: ToolInfo[] = CORE_TOOLS.map((t) => ({
  name: t.name,
  description: t.description,
  inputSchema: z.toJSONSchema(t.input, { io: 'input' }) as Record<string, unknown>,
  annotations: { readOnlyHint: t.annotations.readOnlyHint, destructiveHint: t.annotations.destructiveHint },
}));
const tool = (name: string): ToolInfo => TOOLS.find((t) => t.name === name)!;

describe('tokenize and stem', () => {
  it('splits names, drops stop words and stems endings to a common form', () => {
    expect(tokenize('get_job_status_history: why did my jobs FAIL?')).toEqual([
      'get',
      'job',
      'status',
      'history',
      'why',
      'job',
      'fail',
    ]);
    expect(tokenize('getJobStatus')).toEqual(['get', 'job', 'status']);
    expect(['jobs', 'failed', 'running', 'killing', 'stalled', 'statuses', 'summaries'].map(stem)).toEqual([
      'job',
      'fail',
      'run',
      'kill',
      'stall',
      'status',
      'summary',
    ]);
    expect(stem('reschedule')).toBe(stem('rescheduled'));
  });
});

describe('Bm25', () => {
  const docs = [
    { id: 'kill', text: 'kill jobs: stop running jobs' },
    { id: 'history', text: 'status history of a job, to see why it failed' },
    { id: 'summary', text: 'count jobs per status' },
  ];
  const bm25 = new Bm25(docs);

  it('ranks the document sharing the rarest terms first', () => {
    expect(bm25.rank('why has my job failed').map((h) => h.id)[0]).toBe('history');
    expect(bm25.rank('please stop these jobs').map((h) => h.id)[0]).toBe('kill');
    expect(bm25.rank('how many jobs per status').map((h) => h.id)[0]).toBe('summary');
  });

  it('scores terms every document has lower than rare ones, and keeps the order of ties', () => {
    expect(bm25.idf('job')).toBeLessThan(bm25.idf('kill'));
    expect(bm25.rank('nothing matches here')).toEqual([
      { id: 'kill', score: 0 },
      { id: 'history', score: 0 },
      { id: 'summary', score: 0 },
    ]);
  });

  it('puts the expected core tool first for plain requests', () => {
    const tools = new Bm25(TOOLS.map((t) => ({ id: t.name, text: toolText(t) })));
    const top = (request: string) => tools.rank(wordsOnly(request))[0]!.id;
    expect(top('Kill job 12')).toBe('kill_jobs');
    expect(top('My job failed. Can you find out why?')).toBe('get_job_status_history');
    expect(top('Where can I get the output sandbox of job 7?')).toBe('get_job_sandboxes');
    expect(top('What is the maximum CPU time I can ask for?')).toBe('get_config_summary');
  });
});

describe('the baseline rules', () => {
  it('read ids, statuses, sites, dates, names and owners from a request', () => {
    const facts = readFacts(
      "Kill jobs 12, 13 and #14 of chaen's stalled jobs at LCG.CERN.cern submitted since 2025-06-01 called reco-7",
    );
    expect(facts).toMatchObject({
      jobIds: [12, 13, 14],
      statuses: ['Stalled'],
      sites: ['LCG.CERN.cern'],
      after: '2025-06-01',
      jobName: 'reco-7',
      owner: 'chaen',
      targetStatus: 'Killed',
    });
    expect(conditionsOf(facts).map((c) => c.parameter)).toEqual([
      'Status',
      'Site',
      'SubmissionTime',
      'JobName',
      'Owner',
    ]);
    expect(readFacts('What would happen if I killed job 3? Reset it.')).toMatchObject({
      dryRun: true,
      resetCounter: true,
    });
  });

  it('read what to submit', () => {
    expect(readFacts('Submit `echo hello grid`, 2 GB of memory and 3 hours of CPU').submit).toEqual({
      executable: 'echo',
      arguments: 'hello grid',
      memory: 2048,
      cpuSeconds: 10800,
    });
    expect(readFacts("Run run_analysis.sh with arguments '--year 2024'").submit).toEqual({
      executable: 'run_analysis.sh',
      arguments: '--year 2024',
    });
    expect(readFacts('Check [Executable = "a"; Arguments = "b";] please').submit.jdl).toBe(
      '[Executable = "a"; Arguments = "b";]',
    );
  });

  it('fill a tool by its input property names, or give up when a required one is missing', () => {
    const facts = readFacts('Reschedule my failed jobs at LCG.RAL.uk');
    expect(fillArguments(tool('search_jobs'), facts)).toEqual({
      parameter: 'Status',
      operator: 'eq',
      value: 'Failed',
      extra_conditions: '[{"parameter":"Site","operator":"eq","value":"LCG.RAL.uk"}]',
      per_page: 100,
    });
    expect(fillArguments(tool('reschedule_jobs'), facts)).toBeUndefined();
    expect(fillArguments(tool('reschedule_jobs'), facts, [5, 6])).toEqual({ job_ids: [5, 6], dry_run: false });
    expect(fillArguments(tool('search_jobs'), readFacts('show everything'))).toMatchObject({
      parameter: 'JobID',
      operator: 'gt',
      value: 0,
    });
  });

  it('rank on the words of a request, not on its values', () => {
    expect(
      wordsOnly("What's job 73101 at LCG.CERN.cern doing since 2025-01-01? Run `ls -l` named 'x-1'")
        .replace(/\s+/g, ' ')
        .trim(),
    ).toBe("What's job at doing since ? Run named");
  });
});
