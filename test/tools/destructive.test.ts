/**
 * The tools that change jobs: a dry run checks the policy, lists per job what DIRAC's state
 * machine would make of it and writes nothing, and the real call then changes exactly that; the
 * same changes REST makes; who may act (owner, VO administrator) and who may not; and the
 * confirmation above the threshold (declined: nothing changes; accepted: only the listed jobs;
 * a client that cannot ask: a preview with a token, nothing changes), bound to the jobs' state,
 * which every change moves on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { getJobLoggingRecords } from '../../src/db/jobs-search.ts';
import { updateJobAttributes } from '../../src/db/job-status.ts';
import type { JobStatus } from '../../src/logic/jobs/job-status.ts';
import {
  deleteJobsTool,
  killJobsTool,
  rescheduleJobsTool,
  setJobStatusesTool,
} from '../../src/tools/jobs-destructive.ts';
import {
  createToolHarness,
  PREVIEW_TOKEN,
  rejectionOf,
  runTool,
  type ContextOptions,
  type Person,
  type ToolHarness,
} from './context.ts';
import { readJobRows } from '../harness/job-rows.ts';

let h: ToolHarness;
beforeAll(async () => {
  h = await createToolHarness();
});
afterAll(() => h.dispose());

/** One job of `who` per status, in order (Received as submitted, others forced). */
async function jobsIn(statuses: readonly JobStatus[], who: Person = 'owner'): Promise<number[]> {
  const ids = await h.submit(
    who,
    statuses.map((_, i) => `[Executable = "echo"; JobName = "d${i}";]`),
  );
  for (const [i, status] of statuses.entries()) if (status !== 'Received') await h.forceStatus([ids[i]!], status);
  return ids;
}

/** What a change could touch: status, minor status, counter and the number of history records. */
async function snapshot(ids: readonly number[]) {
  const rows = await readJobRows(h.app.database, ids);
  const history = await getJobLoggingRecords(h.app.database.session, ids);
  return rows.map((r) => ({
    id: r.jobId,
    status: r.status,
    minor: r.minorStatus,
    counter: r.rescheduleCounter,
    records: history.get(r.jobId)?.length ?? 0,
  }));
}
const statusesOf = async (ids: readonly number[]) => (await snapshot(ids)).map((r) => r.status);
const ctxOf = (who: Person, options?: ContextOptions) => h.context(who, options);

describe('kill_jobs, delete_jobs and set_job_statuses', () => {
  const STATUSES: JobStatus[] = ['Received', 'Running', 'Stalled', 'Done', 'Failed', 'Killed'];
  const cases = [
    { tool: killJobsTool, args: {}, expected: ['Killed', 'Killed', 'Killed', 'Done', 'Failed', 'Killed'] },
    { tool: deleteJobsTool, args: {}, expected: ['Deleted', 'Running', 'Running', 'Deleted', 'Deleted', 'Deleted'] },
    {
      tool: setJobStatusesTool,
      args: { status: 'Killed' as const },
      expected: ['Killed', 'Killed', 'Killed', 'Done', 'Failed', 'Killed'],
    },
  ];

  for (const { tool, args, expected } of cases) {
    it(`${tool.name}: a dry run lists exactly what the real call then changes, and changes nothing`, async () => {
      const ids = await jobsIn(STATUSES);
      const before = await snapshot(ids);
      const dry = await runTool(tool, await ctxOf('owner'), { job_ids: ids, dry_run: true, ...args });
      expect(await snapshot(ids)).toEqual(before);
      expect(dry).toMatchObject({ success: true, dry_run: true });
      expect(dry.changes.map((c) => [c.current_status, c.resulting_status])).toEqual(
        STATUSES.map((s, i) => [s, expected[i]!]),
      );
      const real = await runTool(tool, await ctxOf('owner'), { job_ids: ids, ...args });
      expect(await statusesOf(ids)).toEqual(dry.changes.map((c) => c.resulting_status));
      expect(real.changes).toEqual(dry.changes);
    });
  }

  it('makes the changes PATCH /api/jobs/status makes, with source MCP and the minor status', async () => {
    const [viaTool, viaRest] = [await jobsIn(STATUSES), await jobsIn(STATUSES)];
    await runTool(setJobStatusesTool, await ctxOf('owner'), {
      job_ids: viaTool,
      status: 'Deleted',
      minor_status: 'Not needed',
    });
    // After every record the harness wrote: its clock runs ahead of Date.now() by 1 ms per write within a millisecond.
    const at = new Date(Date.now() + 1000).toISOString();
    const body = Object.fromEntries(
      viaRest.map((id) => [id, { [at]: { Status: 'Deleted', MinorStatus: 'Not needed', Source: 'MCP' } }]),
    );
    expect((await h.rest('owner', 'PATCH', '/api/jobs/status', body)).status).toBe(200);
    const strip = (rows: Awaited<ReturnType<typeof snapshot>>) => rows.map(({ id: _id, ...rest }) => rest);
    expect(strip(await snapshot(viaTool))).toEqual(strip(await snapshot(viaRest)));
    const last = (await getJobLoggingRecords(h.app.database.session, [viaTool[0]!])).get(viaTool[0]!)!.at(-1);
    expect(last).toMatchObject({ Status: 'Deleted', MinorStatus: 'Not needed', Source: 'MCP' });
  });

  it('lets the owner and the VO administrator act, and refuses everyone else, dry runs included', async () => {
    const ids = await jobsIn(['Received', 'Running']);
    for (const who of ['sameVo', 'otherVo', 'otherVoAdmin'] as const) {
      for (const dryRun of [true, false]) {
        const ctx = await ctxOf(who);
        expect(await rejectionOf(runTool(killJobsTool, ctx, { job_ids: ids, dry_run: dryRun }))).toMatchObject({
          code: 'FORBIDDEN',
        });
        expect(ctx.calls).toEqual([{ policy: 'wms', args: { action: 'manage', jobIds: ids } }]);
      }
    }
    expect(await statusesOf(ids)).toEqual(['Received', 'Running']);
    await runTool(killJobsTool, await ctxOf('admin'), { job_ids: ids });
    expect(await statusesOf(ids)).toEqual(['Killed', 'Killed']);
  });

  it("refuses a list mixing the caller's jobs with another user's, changing none", async () => {
    const [own, theirs] = [await jobsIn(['Running']), await jobsIn(['Running'], 'sameVo')];
    expect(
      await rejectionOf(runTool(killJobsTool, await ctxOf('owner'), { job_ids: [...own, ...theirs] })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    expect(await statusesOf([...own, ...theirs])).toEqual(['Running', 'Running']);
  });
});

describe('confirmation above the threshold', () => {
  it('changes nothing when the person declines, and says so', async () => {
    const ids = await jobsIn(['Running', 'Running', 'Running']);
    const before = await snapshot(ids);
    const ctx = await ctxOf('owner', { confirm: 'declined', confirmThreshold: 2 });
    const err = await rejectionOf(runTool(killJobsTool, ctx, { job_ids: ids }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain('nothing was changed');
    expect(ctx.confirmations).toHaveLength(1);
    for (const id of ids) expect(ctx.confirmations[0]).toContain(`job ${id}: Running → Killed`);
    expect(await snapshot(ids)).toEqual(before);
  });

  it('changes exactly the listed jobs when accepted', async () => {
    const [listed, other] = [await jobsIn(['Running', 'Waiting', 'Received']), await jobsIn(['Running'])];
    const ctx = await ctxOf('owner', { confirm: 'accepted', confirmThreshold: 2 });
    await runTool(killJobsTool, ctx, { job_ids: listed });
    expect(ctx.confirmations).toHaveLength(1);
    expect(await statusesOf(listed)).toEqual(['Killed', 'Killed', 'Killed']);
    expect(await statusesOf(other)).toEqual(['Running']);
  });

  it('answers the plan and a confirmation token, changing nothing, when the client cannot ask', async () => {
    for (const tool of [killJobsTool, deleteJobsTool]) {
      const ids = await jobsIn(['Running', 'Received', 'Done']);
      const before = await snapshot(ids);
      const ctx = await ctxOf('owner', { confirm: 'preview', confirmThreshold: 2 });
      const preview = await runTool(tool, ctx, { job_ids: ids });
      expect(preview).toMatchObject({ success: true, dry_run: true, confirmation_token: PREVIEW_TOKEN });
      expect(preview.note).toContain('Nothing was changed');
      const dry = await runTool(tool, await ctxOf('owner'), { job_ids: ids, dry_run: true });
      expect(preview.changes).toEqual(dry.changes);
      expect(await snapshot(ids)).toEqual(before);
    }
    const ids = await jobsIn(['Running', 'Failed']);
    const before = await snapshot(ids);
    const preview = await runTool(
      rescheduleJobsTool,
      await ctxOf('owner', { confirm: 'preview', confirmThreshold: 1 }),
      { job_ids: ids },
    );
    expect(preview).toMatchObject({ dry_run: true, confirmation_token: PREVIEW_TOKEN });
    expect(preview.plan!.map((s) => s.outcome)).toEqual(['would reschedule', 'would reschedule']);
    expect(await snapshot(ids)).toEqual(before);
  });

  it("binds the confirmation to the jobs' state, which any change moves on, even one keeping the status", async () => {
    const ids = await jobsIn(['Killed', 'Killed']);
    const stateOf = async () => {
      const ctx = await ctxOf('owner', { confirm: 'accepted', confirmThreshold: 1 });
      await runTool(killJobsTool, ctx, { job_ids: ids });
      return ctx.confirmationRequests[0]!.state;
    };
    const first = await stateOf();
    const second = await stateOf();
    // Killed stays Killed, but the kill added a history record: a confirmation of the first call
    // does not hold for the second.
    expect(await statusesOf(ids)).toEqual(['Killed', 'Killed']);
    expect(second).not.toEqual(first);
    expect(JSON.stringify(first)).toContain('"Killed"');
  });

  it('does not ask at or below the threshold, nor for a dry run', async () => {
    const ids = await jobsIn(['Running', 'Running']);
    const dry = await ctxOf('owner', { confirm: 'declined', confirmThreshold: 1 });
    await runTool(deleteJobsTool, dry, { job_ids: ids, dry_run: true });
    const small = await ctxOf('owner', { confirm: 'declined', confirmThreshold: 2 });
    await runTool(killJobsTool, small, { job_ids: ids });
    expect([dry.confirmations, small.confirmations]).toEqual([[], []]);
    expect(await statusesOf(ids)).toEqual(['Killed', 'Killed']);
  });
});

describe('reschedule_jobs', () => {
  const setCounter = (ids: number[], counter: number) =>
    updateJobAttributes(h.app.database.session, new Map(ids.map((id) => [id, { RescheduleCounter: counter }])));

  it('a dry run lists statuses and counters the real call then gives, including a job past the limit', async () => {
    const ids = await jobsIn(['Running', 'Failed', 'Done', 'Failed']);
    await setCounter([ids[1]!], 3);
    const before = await snapshot(ids);
    const dry = await runTool(rescheduleJobsTool, await ctxOf('owner'), { job_ids: ids, dry_run: true });
    expect(await snapshot(ids)).toEqual(before);
    expect(
      dry.plan!.map((s) => [
        s.current_status,
        s.resulting_status,
        s.current_counter,
        s.resulting_counter,
        s.outcome.split(':')[0],
      ]),
    ).toEqual([
      ['Running', 'Received', 0, 1, 'would reschedule'],
      ['Failed', 'Failed', 3, 3, 'would fail'],
      // DIRAC's state machine refuses Done/Failed → Received; DiracX still counts the reschedule.
      ['Done', 'Done', 0, 1, 'would reschedule'],
      ['Failed', 'Failed', 0, 1, 'would reschedule'],
    ]);
    const real = await runTool(rescheduleJobsTool, await ctxOf('owner'), { job_ids: ids });
    expect((await snapshot(ids)).map((r) => [r.status, r.counter])).toEqual(
      dry.plan!.map((s) => [s.resulting_status, s.resulting_counter]),
    );
    expect(Object.keys(real.data!.success).sort()).toEqual([String(ids[0]), String(ids[2]), String(ids[3])].sort());
    expect(real.data!.failed[String(ids[1])]).toEqual({ detail: 'Maximum number of reschedules exceeded (3)' });
    expect(Object.values(real.data!.success).every((entry) => !('InputData' in entry))).toBe(true);
  });

  it('resets the counter when asked, as POST /api/jobs/reschedule?reset_jobs=true does', async () => {
    const [viaTool, viaRest] = [await jobsIn(['Running']), await jobsIn(['Running'])];
    await setCounter([...viaTool, ...viaRest], 2);
    const dry = await runTool(rescheduleJobsTool, await ctxOf('owner'), {
      job_ids: viaTool,
      reset_counter: true,
      dry_run: true,
    });
    expect(dry.plan![0]).toMatchObject({ current_counter: 2, resulting_counter: 0, resulting_status: 'Received' });
    await runTool(rescheduleJobsTool, await ctxOf('owner'), { job_ids: viaTool, reset_counter: true });
    expect((await h.rest('owner', 'POST', '/api/jobs/reschedule?reset_jobs=true', { job_ids: viaRest })).status).toBe(
      200,
    );
    const [a, b] = [(await snapshot(viaTool))[0]!, (await snapshot(viaRest))[0]!];
    expect({ ...a, id: 0 }).toEqual({ ...b, id: 0 });
    expect(a).toMatchObject({ status: 'Received', minor: 'Job Rescheduled', counter: 0 });
  });

  it('when no job can be rescheduled, plans no change and the real call changes nothing', async () => {
    const ids = await jobsIn(['Failed', 'Failed']);
    await setCounter(ids, 3);
    const before = await snapshot(ids);
    const dry = await runTool(rescheduleJobsTool, await ctxOf('owner'), { job_ids: ids, dry_run: true });
    expect(dry.plan!.map((s) => s.resulting_status)).toEqual(['Failed', 'Failed']);
    const err = await rejectionOf(runTool(rescheduleJobsTool, await ctxOf('owner'), { job_ids: ids }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain(`job ${ids[0]}: Maximum number of reschedules exceeded (3)`);
    expect(await snapshot(ids)).toEqual(before);
  });

  it('is FORBIDDEN to others and changes nothing when the confirmation is declined', async () => {
    const ids = await jobsIn(['Failed', 'Failed']);
    const before = await snapshot(ids);
    for (const who of ['sameVo', 'otherVo'] as const)
      expect(
        await rejectionOf(runTool(rescheduleJobsTool, await ctxOf(who), { job_ids: ids, dry_run: true })),
      ).toMatchObject({ code: 'FORBIDDEN' });
    const ctx = await ctxOf('owner', { confirm: 'declined', confirmThreshold: 1 });
    expect(await rejectionOf(runTool(rescheduleJobsTool, ctx, { job_ids: ids }))).toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect(ctx.confirmations[0]).toContain('counter 0 → 1');
    expect(await snapshot(ids)).toEqual(before);
  });
});
