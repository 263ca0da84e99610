/**
 * Attack: replaying a confirmation. Once a confirmed call has run, the same token (two-step) or
 * the same answered question (2026-07-28) is sent again, or two copies are sent at the same
 * moment, to run it twice: a second reschedule raises every counter again and can push jobs
 * past the VO's limit into Failed. The confirmation is bound to the jobs' state, which the run
 * moves on, and redeemed once per process: the replay is refused and changes nothing, and of
 * two simultaneous copies exactly one runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { startConfirmationWorld, textOf, type ConfirmationWorld, type ToolOutcome } from './mcp-confirmation.ts';

let world: ConfirmationWorld;
beforeAll(async () => {
  world = await startConfirmationWorld();
});
afterAll(() => world.stop());

const counters = async (ids: number[]): Promise<number[]> =>
  ((await world.snapshot(ids)) as { RescheduleCounter: number }[]).map((j) => j.RescheduleCounter);

describe('a confirmation used a second time', () => {
  it('is refused as a two-step token once its call ran, and nothing changes again', async () => {
    const ids = await world.jobs(2);
    const client = await world.legacyClient('owner');
    try {
      const args = { job_ids: ids };
      const token = ((await client.callTool({ name: 'reschedule_jobs', arguments: args })) as ToolOutcome)
        .structuredContent?.confirmation_token;
      const first = (await client.callTool({
        name: 'reschedule_jobs',
        arguments: { ...args, confirmation_token: token },
      })) as ToolOutcome;
      expect(first.isError).toBeFalsy();
      expect(await counters(ids)).toEqual([1, 1]);
      const after = await world.snapshot(ids);
      const replay = (await client.callTool({
        name: 'reschedule_jobs',
        arguments: { ...args, confirmation_token: token },
      })) as ToolOutcome;
      expect(replay.isError).toBe(true);
      expect(textOf(replay)).toStartWith('INVALID_INPUT:');
      expect(await world.snapshot(ids)).toEqual(after);
    } finally {
      await client.close();
    }
  });

  it('runs once when two copies arrive together', async () => {
    const ids = await world.jobs(2);
    const [a, b] = [await world.legacyClient('owner'), await world.legacyClient('owner')];
    try {
      const args = { job_ids: ids };
      const token = ((await a.callTool({ name: 'reschedule_jobs', arguments: args })) as ToolOutcome).structuredContent
        ?.confirmation_token;
      const results = (await Promise.all(
        [a, b].map((c) => c.callTool({ name: 'reschedule_jobs', arguments: { ...args, confirmation_token: token } })),
      )) as ToolOutcome[];
      expect(results.map((r) => r.isError === true).sort()).toEqual([false, true]);
      expect(await counters(ids)).toEqual([1, 1]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("is refused as a 2026-07-28 question's answer sent again after the call ran", async () => {
    const ids = await world.jobs(2);
    const question = await world.rawModernCall('owner', 'reschedule_jobs', { job_ids: ids });
    expect(question.resultType).toBe('input_required');
    const answer = {
      inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
      requestState: question.requestState,
    };
    const first = await world.rawModernCall('owner', 'reschedule_jobs', { job_ids: ids }, answer);
    expect(first.isError).toBeFalsy();
    expect(await counters(ids)).toEqual([1, 1]);
    const after = await world.snapshot(ids);
    const replay = await world.rawModernCall('owner', 'reschedule_jobs', { job_ids: ids }, answer);
    expect(replay.isError).toBe(true);
    expect(await world.snapshot(ids)).toEqual(after);
  });
});
