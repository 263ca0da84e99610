/**
 * Attack: confirming one destructive call and running another with the same confirmation. A
 * 2025-era client gets a confirmation token for killing some jobs, then sends it with other job
 * ids, extra job ids, another minor status or to another tool. The token is bound to the tool
 * and the canonical digest of its arguments: each such call is refused, and neither the jobs
 * named in the token nor the others change. The token still works for the call it was given for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { startConfirmationWorld, textOf, type ConfirmationWorld, type ToolOutcome } from './mcp-confirmation.ts';

let world: ConfirmationWorld;
beforeAll(async () => {
  world = await startConfirmationWorld();
});
afterAll(() => world.stop());

describe('a confirmation token used for other arguments', () => {
  it('is refused for other job ids, more job ids, another reason or another tool; nothing changes', async () => {
    const [confirmed, others] = [await world.jobs(2), await world.jobs(2)];
    const client = await world.legacyClient('owner');
    try {
      const preview = (await client.callTool({ name: 'kill_jobs', arguments: { job_ids: confirmed } })) as ToolOutcome;
      const token = preview.structuredContent?.confirmation_token;
      expect(token).toBeString();
      const before = await world.snapshot([...confirmed, ...others]);
      const misuses: [string, Record<string, unknown>][] = [
        ['kill_jobs', { job_ids: others }],
        ['kill_jobs', { job_ids: [...confirmed, ...others] }],
        ['kill_jobs', { job_ids: [...confirmed].reverse() }],
        ['kill_jobs', { job_ids: confirmed, minor_status: 'Another reason' }],
        ['delete_jobs', { job_ids: confirmed }],
        ['set_job_statuses', { job_ids: confirmed, status: 'Killed' }],
        ['reschedule_jobs', { job_ids: confirmed }],
      ];
      for (const [tool, args] of misuses) {
        const result = (await client.callTool({
          name: tool,
          arguments: { ...args, confirmation_token: token },
        })) as ToolOutcome;
        expect(result.isError).toBe(true);
        expect(textOf(result)).toStartWith('INVALID_INPUT: The confirmation was not given for this call');
      }
      expect(await world.snapshot([...confirmed, ...others])).toEqual(before);
      // The call it was given for still runs.
      const run = (await client.callTool({
        name: 'kill_jobs',
        arguments: { job_ids: confirmed, confirmation_token: token },
      })) as ToolOutcome;
      expect(run.isError).toBeFalsy();
      expect(((await world.snapshot(confirmed)) as { Status: string }[]).map((j) => j.Status)).toEqual([
        'Killed',
        'Killed',
      ]);
      expect(((await world.snapshot(others)) as { Status: string }[]).map((j) => j.Status)).toEqual([
        'Received',
        'Received',
      ]);
    } finally {
      await client.close();
    }
  });

  it('is refused when altered or made up', async () => {
    const ids = await world.jobs(2);
    const client = await world.legacyClient('owner');
    try {
      const preview = (await client.callTool({ name: 'kill_jobs', arguments: { job_ids: ids } })) as ToolOutcome;
      const token = String(preview.structuredContent?.confirmation_token);
      const before = await world.snapshot(ids);
      const later = token.replace(/^c1\.p\.(\d+)\./, (_, exp: string) => `c1.p.${Number(exp) + 3600}.`);
      for (const forged of [later, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 'yes', 'c1.p.1.x.y']) {
        const result = (await client.callTool({
          name: 'kill_jobs',
          arguments: { job_ids: ids, confirmation_token: forged },
        })) as ToolOutcome;
        expect(result.isError).toBe(true);
      }
      expect(await world.snapshot(ids)).toEqual(before);
    } finally {
      await client.close();
    }
  });
});
