/**
 * `show_job_monitor`, the data behind the job monitor view: by default a person's own jobs
 * and their counts; with mine=false the rows and counts REST gives them (nobody another VO's); the status and
 * name filters, the sort and the pages change the rows as asked; a name's `%` and `_` are
 * matched literally; a page past the end and an unknown sort column are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { jobMonitorTool, MONITOR_COLUMNS } from '../../src/tools/monitor.ts';
import { createToolHarness, rejectionOf, runTool, type ToolHarness } from './context.ts';

let h: ToolHarness;
let mine: number[];
let albdrJob: number;
let aliceJob: number;
beforeAll(async () => {
  h = await createToolHarness();
  const names = ['reco_1', 'reco_2', 'reco_3', 'sim_1', 'sim_2', '100%_done', '100x_done'];
  mine = await h.submit(
    'owner',
    names.map((n) => `[Executable = "echo"; JobName = "${n}";]`),
  );
  [albdrJob] = (await h.submit('sameVo')) as [number];
  [aliceJob] = (await h.submit('otherVo')) as [number];
  await h.forceStatus(mine.slice(0, 2), 'Failed', 'Application Finished With Errors');
  await h.forceStatus([mine[3]!], 'Running', 'Application');
});
afterAll(() => h.dispose());

const ids = (rows: Record<string, unknown>[]): number[] => rows.map((r) => Number(r.JobID));

describe('show_job_monitor', () => {
  it("shows the owner their own jobs, newest first, with the table's columns and their counts per status", async () => {
    const out = await runTool(jobMonitorTool, await h.context('owner'), {});
    expect(ids(out.jobs)).toEqual([...mine].reverse());
    expect(Object.keys(out.jobs[0]!).sort()).toEqual([...MONITOR_COLUMNS].sort());
    expect(out.status_summary).toEqual({ Failed: 2, Running: 1, Received: 4 });
    expect(out.total_jobs).toBe(7);
    expect(out.pagination).toEqual({ start: 0, end: 6, total: 7, has_more: false });
    expect(ids(out.jobs)).not.toContain(albdrJob);
  });

  it('with mine=false, shows each person what REST search and summary show them, and never another VO', async () => {
    for (const who of ['owner', 'sameVo', 'admin', 'otherVo'] as const) {
      const out = await runTool(jobMonitorTool, await h.context(who), { mine: false, per_page: 100 });
      const rest = await h.rest(who, 'POST', '/api/jobs/search?page=1&per_page=100', { parameters: ['JobID'] });
      const restIds = (rest.body as { JobID: number }[]).map((r) => r.JobID);
      expect({ who, ids: ids(out.jobs).sort() }).toEqual({ who, ids: restIds.sort() });
      const summary = await h.rest(who, 'POST', '/api/jobs/summary', { grouping: ['Status'], search: [] });
      const counts = Object.fromEntries(
        (summary.body as { Status: string; count: number }[]).map((r) => [r.Status, r.count]),
      );
      expect({ who, counts: out.status_summary }).toEqual({ who, counts });
    }
    const alice = await runTool(jobMonitorTool, await h.context('otherVo'), { mine: false });
    expect(ids(alice.jobs)).toEqual([aliceJob]);
    // The owner's VO shares job information (GlobalJobsInfo): all of it is the owner's and albdr's jobs.
    const everything = await runTool(jobMonitorTool, await h.context('owner'), { mine: false, per_page: 100 });
    expect(ids(everything.jobs).sort()).toEqual([...mine, albdrJob].sort());
    const albdr = await runTool(jobMonitorTool, await h.context('sameVo'), {});
    expect(ids(albdr.jobs)).toEqual([albdrJob]);
    expect(albdr.status_summary).toEqual({ Received: 1 });
  });

  it('filters by status and by part of the name, keeping the counts of all jobs', async () => {
    const ctx = await h.context('owner');
    const failed = await runTool(jobMonitorTool, ctx, { status: 'Failed' });
    expect(ids(failed.jobs).sort()).toEqual(mine.slice(0, 2).sort());
    expect(failed.filter).toEqual({ mine: true, status: 'Failed', name_contains: null });
    expect(failed.total_jobs).toBe(7);
    const sim = await runTool(jobMonitorTool, ctx, { name_contains: 'sim' });
    expect(sim.jobs.map((r) => r.JobName).sort()).toEqual(['sim_1', 'sim_2']);
    const both = await runTool(jobMonitorTool, ctx, { status: 'Received', name_contains: 'reco' });
    expect(both.jobs.map((r) => r.JobName)).toEqual(['reco_3']);
    const none = await runTool(jobMonitorTool, ctx, { status: 'Done' });
    expect(none.jobs).toEqual([]);
    expect(none.next_page_hint).toBe('No jobs match.');
  });

  it('matches % and _ in a name literally', async () => {
    const ctx = await h.context('owner');
    expect((await runTool(jobMonitorTool, ctx, { name_contains: '100%' })).jobs.map((r) => r.JobName)).toEqual([
      '100%_done',
    ]);
    expect((await runTool(jobMonitorTool, ctx, { name_contains: '_1' })).jobs.map((r) => r.JobName).sort()).toEqual([
      'reco_1',
      'sim_1',
    ]);
  });

  it('sorts by the column asked, both ways, and pages through the rows', async () => {
    const ctx = await h.context('owner');
    const byName = await runTool(jobMonitorTool, ctx, { sort_by: 'JobName', sort_direction: 'asc' });
    const names = byName.jobs.map((r) => String(r.JobName));
    expect(names).toEqual([...names].sort());
    expect(byName.sort).toEqual({ by: 'JobName', direction: 'asc' });
    const oldest = await runTool(jobMonitorTool, ctx, { sort_by: 'JobID', sort_direction: 'asc', per_page: 3 });
    expect(ids(oldest.jobs)).toEqual(mine.slice(0, 3));
    expect(oldest.pagination.has_more).toBe(true);
    const third = await runTool(jobMonitorTool, ctx, { sort_by: 'JobID', sort_direction: 'asc', per_page: 3, page: 3 });
    expect(ids(third.jobs)).toEqual(mine.slice(6));
    expect(third.pagination).toEqual({ start: 6, end: 6, total: 7, has_more: false });
  });

  it('refuses a page past the end, saying which pages exist', async () => {
    const error = await rejectionOf(runTool(jobMonitorTool, await h.context('owner'), { per_page: 5, page: 3 }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('Use page between 1 and 2');
  });

  it('refuses a sort column outside the table and a per_page below 1 before running', () => {
    expect(jobMonitorTool.input.safeParse({ sort_by: 'Owner' }).success).toBe(false);
    expect(jobMonitorTool.input.safeParse({ per_page: 0 }).success).toBe(false);
    expect(jobMonitorTool.input.safeParse({ status: '' }).success).toBe(false);
  });

  it('names its view for hosts that render MCP Apps', () => {
    expect(jobMonitorTool.ui).toEqual({ resourceUri: 'ui://diracx/job-monitor.html' });
  });
});
