/**
 * Attack: running a destructive MCP call past its confirmation by answering a question that was
 * never asked. A 2026-07-28 client sends `tools/call` with an "accepted" answer already in
 * `inputResponses` (the server used to take it as the person's yes), with a made-up
 * `requestState`, or with the genuine `requestState` of a question asked for other jobs. Each
 * is refused and nothing changes; the honest round trip (the v2 SDK client asking its person)
 * still works, so the refusals are not a broken confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { startConfirmationWorld, type ConfirmationWorld } from './mcp-confirmation.ts';

const ACCEPTED = { confirm: { action: 'accept', content: { confirm: true } } };

let world: ConfirmationWorld;
beforeAll(async () => {
  world = await startConfirmationWorld();
});
afterAll(() => world.stop());

describe('an accepted answer to a question the server did not ask', () => {
  it('is refused without any requestState, and the jobs stay as they were', async () => {
    const ids = await world.jobs(2);
    const before = await world.snapshot(ids);
    const result = await world.rawModernCall('owner', 'kill_jobs', { job_ids: ids }, { inputResponses: ACCEPTED });
    expect(result.isError).toBe(true);
    expect(result.content?.[0]?.text).toStartWith('INVALID_INPUT: An answer to a confirmation this server did not ask');
    expect(await world.snapshot(ids)).toEqual(before);
  });

  it('is refused with a made-up requestState', async () => {
    const ids = await world.jobs(2);
    const before = await world.snapshot(ids);
    for (const requestState of [
      'yes',
      'c1.q.9999999999.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      const result = await world.rawModernCall(
        'owner',
        'delete_jobs',
        { job_ids: ids },
        { inputResponses: ACCEPTED, requestState },
      );
      expect(result.isError).toBe(true);
    }
    expect(await world.snapshot(ids)).toEqual(before);
  });

  it('is refused with the requestState of a question asked for other jobs', async () => {
    const [asked, other] = [await world.jobs(2), await world.jobs(2)];
    const question = await world.rawModernCall('owner', 'kill_jobs', { job_ids: asked });
    expect(question.resultType).toBe('input_required');
    expect(question.requestState).toBeString();
    const before = await world.snapshot([...asked, ...other]);
    const result = await world.rawModernCall(
      'owner',
      'kill_jobs',
      { job_ids: other },
      { inputResponses: ACCEPTED, requestState: question.requestState },
    );
    expect(result.isError).toBe(true);
    // Nor does the question's state stand in for a two-step token (the person was never asked).
    const asToken = await world.rawModernCall('owner', 'kill_jobs', {
      job_ids: asked,
      confirmation_token: question.requestState,
    });
    expect(asToken.isError).toBe(true);
    expect(await world.snapshot([...asked, ...other])).toEqual(before);
  });

  it('is not needed by an honest client: the v2 SDK client asks its person and the call runs once', async () => {
    const ids = await world.jobs(2);
    const { client, asked } = await world.modernClient('owner', () => 'accept');
    try {
      const result = await client.callTool({ name: 'kill_jobs', arguments: { job_ids: ids } });
      expect(result.isError).toBeFalsy();
      expect(asked).toHaveLength(1);
      expect(((await world.snapshot(ids)) as { Status: string }[]).map((j) => j.Status)).toEqual(['Killed', 'Killed']);
    } finally {
      await client.close();
    }
  });
});
