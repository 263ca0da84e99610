/**
 * The two-step confirmation of clients that cannot be asked (the 2025-era leg; here the v1 SDK
 * client of today's desktop hosts): a destructive call above the threshold used to run at once.
 * Now the first call changes nothing at all (status, minor status, counter, history) and
 * answers the plan with a confirmation token, in structuredContent and in the text the model
 * reads; only a second call with the same arguments carrying the token runs, and it changes
 * exactly the jobs listed, as planned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { startConfirmationWorld, textOf, type ConfirmationWorld, type ToolOutcome } from './mcp-confirmation.ts';

let world: ConfirmationWorld;
beforeAll(async () => {
  world = await startConfirmationWorld();
});
afterAll(() => world.stop());

describe('the two-step confirmation of a 2025-era client', () => {
  for (const [tool, extra, expected] of [
    ['kill_jobs', {}, 'Killed'],
    ['delete_jobs', {}, 'Deleted'],
    ['set_job_statuses', { status: 'Killed' }, 'Killed'],
    ['reschedule_jobs', {}, 'Received'],
  ] as const) {
    it(`${tool}: the first call changes nothing and answers a token; the second, with it, runs the plan`, async () => {
      const [ids, bystander] = [await world.jobs(3), await world.jobs(1)];
      const before = await world.snapshot([...ids, ...bystander]);
      const client = await world.legacyClient('owner');
      try {
        const args = { job_ids: ids, ...extra };
        const first = (await client.callTool({ name: tool, arguments: args })) as ToolOutcome;
        expect(first.isError).toBeFalsy();
        expect(await world.snapshot([...ids, ...bystander])).toEqual(before);
        const token = first.structuredContent?.confirmation_token;
        expect(token).toBeString();
        expect(first.structuredContent).toMatchObject({ dry_run: true, confirmation_expires_at: expect.any(String) });
        expect(textOf(first)).toContain(String(token));
        expect(textOf(first)).toContain('Nothing was changed');

        const second = (await client.callTool({
          name: tool,
          arguments: { ...args, confirmation_token: token },
        })) as ToolOutcome;
        expect(second.isError).toBeFalsy();
        expect(second.structuredContent).toMatchObject({ dry_run: false });
        expect(second.structuredContent?.confirmation_token).toBeUndefined();
        const after = (await world.snapshot([...ids, ...bystander])) as { Status: string }[];
        expect(after.map((j) => j.Status)).toEqual([expected, expected, expected, 'Received']);
        expect(after[3]).toEqual(before[3] as { Status: string });
      } finally {
        await client.close();
      }
    });
  }

  it('runs a call at or below the threshold at once, token or not', async () => {
    const [id] = await world.jobs(1);
    const client = await world.legacyClient('owner');
    try {
      const result = (await client.callTool({ name: 'kill_jobs', arguments: { job_ids: [id] } })) as ToolOutcome;
      expect(result.structuredContent).toMatchObject({ dry_run: false });
      expect(((await world.snapshot([id!])) as { Status: string }[])[0]!.Status).toBe('Killed');
    } finally {
      await client.close();
    }
  });
});
