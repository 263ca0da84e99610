/**
 * The read-only job tools against the REST API over the same database: each person (owner,
 * another user of the VO, a job administrator, a user of another VO) gets from the tool exactly
 * what REST gives them; pages stay small and say how to get the next one; flattened conditions
 * are checked with dirac-agentic's rules; a job one may not see is NOT_FOUND or FORBIDDEN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  getJobTool,
  jobJdlTool,
  jobStatusHistoryTool,
  jobStatusSummaryTool,
  searchJobsTool,
  summarizeJobsTool,
  DEFAULT_JOB_FIELDS,
} from '../../src/tools/jobs.ts';
import { createToolHarness, rejectionOf, runTool, type Person, type ToolHarness } from './context.ts';

let h: ToolHarness;
let mine: number[];
let albdrJob: number;
let aliceJob: number;
beforeAll(async () => {
  h = await createToolHarness();
  mine = await h.submit(
    'owner',
    Array.from({ length: 13 }, (_, i) => `[Executable = "echo"; JobName = "job${i}";]`),
  );
  [albdrJob] = (await h.submit('sameVo')) as [number];
  [aliceJob] = (await h.submit('otherVo')) as [number];
  await h.forceStatus(mine.slice(0, 2), 'Failed', 'Application Finished With Errors');
});
afterAll(() => h.dispose());

const PEOPLE: Person[] = ['owner', 'sameVo', 'admin', 'otherVo'];
const rows = (body: unknown): Record<string, unknown>[] => body as Record<string, unknown>[];

describe('search_jobs', () => {
  it('returns, for each person, the rows POST /api/jobs/search returns them', async () => {
    for (const who of PEOPLE) {
      const out = await runTool(searchJobsTool, await h.context(who), {
        parameter: 'JobID',
        operator: 'gt',
        value: 0,
        per_page: 100,
      });
      const rest = await h.rest(who, 'POST', '/api/jobs/search?page=1&per_page=100', {
        parameters: DEFAULT_JOB_FIELDS,
        search: [{ parameter: 'JobID', operator: 'gt', value: 0 }],
      });
      expect({ who, data: out.data }).toEqual({ who, data: rows(rest.body) });
    }
  });

  it("shows another VO none of this VO's jobs, and the VO's jobs to its administrator", async () => {
    const ids = async (who: Person) =>
      (
        await runTool(searchJobsTool, await h.context(who), {
          parameter: 'JobID',
          operator: 'gt',
          value: 0,
          per_page: 100,
        })
      ).data.map((r) => r.JobID);
    expect(await ids('otherVo')).toEqual([aliceJob]);
    expect(await ids('admin')).toEqual([...mine, albdrJob]);
  });

  it('answers 10 rows by default with the page, the total and how to get the next page', async () => {
    const out = await runTool(searchJobsTool, await h.context('owner'), {
      parameter: 'Owner',
      operator: 'eq',
      value: 'chaen',
    });
    expect(out.data).toHaveLength(10);
    expect(out).toMatchObject({
      success: true,
      content_range: 'jobs 0-9/13',
      pagination: { start: 0, end: 9, total: 13, has_more: true },
    });
    expect(out.next_page_hint).toContain('page=2');
    expect(Object.keys(out.data[0]!).sort()).toEqual([...DEFAULT_JOB_FIELDS].sort());
    expect(out.search_specs).toEqual([{ parameter: 'Owner', operator: 'eq', value: 'chaen' }]);
    const last = await runTool(searchJobsTool, await h.context('owner'), {
      parameter: 'Owner',
      operator: 'eq',
      value: 'chaen',
      page: 2,
    });
    expect(last).toMatchObject({
      content_range: 'jobs 10-12/13',
      pagination: { start: 10, end: 12, total: 13, has_more: false },
    });
    expect(last.next_page_hint).toContain('last page');
  });

  it('caps per_page at 100 and refuses a page past the end, naming the pages that exist', async () => {
    const big = await runTool(searchJobsTool, await h.context('admin'), {
      parameter: 'JobID',
      operator: 'gt',
      value: 0,
      per_page: 5000,
    });
    expect(big.pagination).toEqual({ start: 0, end: 13, total: 14, has_more: false });
    expect(big.next_page_hint).toContain('per_page is at most 100');
    const err = await rejectionOf(
      runTool(searchJobsTool, await h.context('owner'), {
        parameter: 'Owner',
        operator: 'eq',
        value: 'chaen',
        page: 3,
      }),
    );
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect(err.message).toContain('Use page between 1 and 2');
  });

  it('combines extra_conditions given as a JSON string, and sorts when asked', async () => {
    const extra = JSON.stringify([{ parameter: 'JobID', operator: 'in', values: mine.slice(0, 4) }]);
    const out = await runTool(searchJobsTool, await h.context('owner'), {
      parameter: 'Status',
      operator: 'eq',
      value: 'Failed',
      extra_conditions: extra,
      sort_by: 'JobID',
      sort_direction: 'desc',
    });
    expect(out.data.map((r) => r.JobID)).toEqual([mine[1], mine[0]]);
    expect(out.data.map((r) => r.MinorStatus)).toEqual([
      'Application Finished With Errors',
      'Application Finished With Errors',
    ]);
  });

  it("refuses conditions that break dirac-agentic's rules, with a message saying what to fix", async () => {
    const ctx = await h.context('owner');
    const cases: [Record<string, unknown>, string][] = [
      [{ parameter: 'Status', operator: 'in', value: 'Failed' }, 'takes "values"'],
      [{ parameter: 'Status', operator: 'eq', values: ['Failed'] }, 'takes "value"'],
      [
        { parameter: 'Status', operator: 'eq', value: 'Failed', extra_conditions: 'Site=CERN' },
        'Invalid extra_conditions: not JSON',
      ],
      [
        { parameter: 'Status', operator: 'eq', value: 'Failed', extra_conditions: '[{"parameter": "Site"}]' },
        'extra_conditions[0]',
      ],
      [{ parameter: 'NoSuchColumn', operator: 'eq', value: 'x' }, 'NoSuchColumn'],
    ];
    for (const [args, text] of cases) {
      const err = await rejectionOf(searchJobsTool.run(ctx, searchJobsTool.input.parse(args)));
      expect({ args, code: err.code }).toEqual({ args, code: 'INVALID_INPUT' });
      expect(err.message).toContain(text);
    }
  });
});

describe('get_job', () => {
  it('returns every attribute of a visible job, as a REST search by JobID does', async () => {
    for (const who of ['owner', 'admin'] as const) {
      const out = await runTool(getJobTool, await h.context(who), { job_id: mine[0]! });
      const rest = await h.rest(who, 'POST', '/api/jobs/search', {
        search: [{ parameter: 'JobID', operator: 'eq', value: mine[0] }],
      });
      expect(out).toEqual({ success: true, data: rows(rest.body)[0]! });
    }
  });

  it('answers NOT_FOUND for a job of another VO, never FORBIDDEN', async () => {
    const err = await rejectionOf(runTool(getJobTool, await h.context('otherVo'), { job_id: mine[0]! }));
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: `Job ${mine[0]} not found` });
  });
});

describe('get_job_status_summary and summarize_jobs', () => {
  it('count per status what POST /api/jobs/summary counts, for each person', async () => {
    for (const who of PEOPLE) {
      const out = await runTool(jobStatusSummaryTool, await h.context(who), {});
      const rest = rows((await h.rest(who, 'POST', '/api/jobs/summary', { grouping: ['Status'] })).body);
      expect(out.status_summary).toEqual(Object.fromEntries(rest.map((r) => [r.Status, r.count])));
      expect(out.total_jobs).toBe(rest.reduce((n, r) => n + Number(r.count), 0));
    }
  });

  it('group by any attributes with a flattened condition, largest group first', async () => {
    const out = await runTool(summarizeJobsTool, await h.context('admin'), {
      grouping: ['Owner', 'Status'],
      parameter: 'Status',
      operator: 'in',
      values: ['Failed', 'Received'],
    });
    const rest = rows(
      (
        await h.rest('admin', 'POST', '/api/jobs/summary', {
          grouping: ['Owner', 'Status'],
          search: [{ parameter: 'Status', operator: 'in', values: ['Failed', 'Received'] }],
        })
      ).body,
    );
    expect(out.groups).toEqual(expect.arrayContaining(rest));
    expect(out).toMatchObject({ total_jobs: 14, total_groups: rest.length, truncated: false });
    expect(out.groups[0]).toEqual({ Owner: 'chaen', Status: 'Received', count: 11 });
  });

  it('refuses an empty grouping (it would list every job)', () => {
    expect(summarizeJobsTool.input.safeParse({ grouping: [] }).success).toBe(false);
  });
});

describe('get_job_status_history', () => {
  it('returns the LoggingInfo records REST returns for the job, oldest first', async () => {
    const out = await runTool(jobStatusHistoryTool, await h.context('owner'), { job_id: mine[0]! });
    const rest = rows(
      (
        await h.rest('owner', 'POST', '/api/jobs/search', {
          parameters: ['LoggingInfo'],
          search: [{ parameter: 'JobID', operator: 'eq', value: mine[0] }],
        })
      ).body,
    );
    expect(out).toMatchObject({ job_id: mine[0], status: 'Failed', total_records: 2 });
    expect(out.history).toEqual(rest[0]!.LoggingInfo as never);
    expect(out.history.map((r) => r.Status)).toEqual(['Received', 'Failed']);
  });

  it('answers NOT_FOUND to another VO', async () => {
    expect(
      await rejectionOf(runTool(jobStatusHistoryTool, await h.context('otherVo'), { job_id: mine[0]! })),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('get_job_jdl', () => {
  it('returns the stored and the original JDL to the owner and to the VO administrator', async () => {
    for (const who of ['owner', 'admin'] as const) {
      const out = await runTool(jobJdlTool, await h.context(who), { job_id: mine[0]! });
      expect(out.original_jdl).toContain('JobName = "job0";');
      expect(out.jdl).toContain(`JobID = ${mine[0]};`);
    }
  });

  it('is FORBIDDEN to another user of the VO and to another VO (the read policy)', async () => {
    for (const who of ['sameVo', 'otherVo', 'otherVoAdmin'] as const) {
      const ctx = await h.context(who);
      expect(await rejectionOf(runTool(jobJdlTool, ctx, { job_id: mine[0]! }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(ctx.calls).toEqual([{ policy: 'wms', args: { action: 'read', jobIds: [mine[0]] } }]);
    }
  });
});
