/**
 * Attack: keeping a confirmation token and using it long after the person agreed (or after they
 * would have changed their mind). Tokens live 5 minutes on the server's clock: with the clock
 * moved past that, the two-step token and the 2026-07-28 question's requestState are refused
 * and nothing changes; within it, the same token runs the call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { startConfirmationWorld, textOf, type ConfirmationWorld, type ToolOutcome } from './mcp-confirmation.ts';

let world: ConfirmationWorld;
beforeAll(async () => {
  world = await startConfirmationWorld();
});
afterAll(() => world.stop());

describe('an expired confirmation', () => {
  it('is refused as a two-step token after 5 minutes, and accepted just before', async () => {
    const [stale, fresh] = [await world.jobs(2), await world.jobs(2)];
    const client = await world.legacyClient('owner');
    try {
      world.clock.offsetMs = 0;
      const staleToken = ((await client.callTool({ name: 'kill_jobs', arguments: { job_ids: stale } })) as ToolOutcome)
        .structuredContent?.confirmation_token;
      const freshToken = ((await client.callTool({ name: 'kill_jobs', arguments: { job_ids: fresh } })) as ToolOutcome)
        .structuredContent?.confirmation_token;
      const before = await world.snapshot(stale);
      world.clock.offsetMs = 301_000;
      const late = (await client.callTool({
        name: 'kill_jobs',
        arguments: { job_ids: stale, confirmation_token: staleToken },
      })) as ToolOutcome;
      expect(late.isError).toBe(true);
      expect(textOf(late)).toStartWith('INVALID_INPUT: The confirmation has expired');
      expect(await world.snapshot(stale)).toEqual(before);
      world.clock.offsetMs = 290_000;
      const inTime = (await client.callTool({
        name: 'kill_jobs',
        arguments: { job_ids: fresh, confirmation_token: freshToken },
      })) as ToolOutcome;
      expect(inTime.isError).toBeFalsy();
      expect(((await world.snapshot(fresh)) as { Status: string }[]).map((j) => j.Status)).toEqual([
        'Killed',
        'Killed',
      ]);
    } finally {
      world.clock.offsetMs = 0;
      await client.close();
    }
  });

  it("is refused as a 2026-07-28 question's requestState answered after 5 minutes", async () => {
    const ids = await world.jobs(2);
    world.clock.offsetMs = 0;
    const question = await world.rawModernCall('owner', 'delete_jobs', { job_ids: ids });
    expect(question.resultType).toBe('input_required');
    const before = await world.snapshot(ids);
    try {
      world.clock.offsetMs = 301_000;
      const answer = await world.rawModernCall(
        'owner',
        'delete_jobs',
        { job_ids: ids },
        {
          inputResponses: { confirm: { action: 'accept', content: { confirm: true } } },
          requestState: question.requestState,
        },
      );
      expect(answer.isError).toBe(true);
      expect(answer.content?.[0]?.text).toStartWith('INVALID_INPUT: The confirmation has expired');
      expect(await world.snapshot(ids)).toEqual(before);
    } finally {
      world.clock.offsetMs = 0;
    }
  });
});
