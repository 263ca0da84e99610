/**
 * Attack: running a destructive call with a confirmation another person obtained. The VO
 * administrator may kill chaen's jobs too, so a token chaen got for a call would, if it were
 * not bound to its caller, let the administrator's client (or anything holding the token) run
 * it under another identity, and the other way round. A token is bound to the subject, VO and
 * OAuth client that obtained it: presented by anyone else for the very same call, it is
 * refused and nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  startConfirmationWorld,
  textOf,
  type Caller,
  type ConfirmationWorld,
  type ToolOutcome,
} from './mcp-confirmation.ts';

let world: ConfirmationWorld;
beforeAll(async () => {
  world = await startConfirmationWorld();
});
afterAll(() => world.stop());

async function previewToken(who: Caller, ids: number[]): Promise<string> {
  const client = await world.legacyClient(who);
  try {
    const preview = (await client.callTool({ name: 'kill_jobs', arguments: { job_ids: ids } })) as ToolOutcome;
    return String(preview.structuredContent?.confirmation_token);
  } finally {
    await client.close();
  }
}

describe("another person's confirmation token", () => {
  for (const [obtainedBy, usedBy] of [
    ['owner', 'admin'],
    ['admin', 'owner'],
  ] as const) {
    it(`obtained by the ${obtainedBy} is refused for the ${usedBy}, for the same call`, async () => {
      const ids = await world.jobs(2);
      const token = await previewToken(obtainedBy, ids);
      const before = await world.snapshot(ids);
      const client = await world.legacyClient(usedBy);
      try {
        const result = (await client.callTool({
          name: 'kill_jobs',
          arguments: { job_ids: ids, confirmation_token: token },
        })) as ToolOutcome;
        expect(result.isError).toBe(true);
        expect(textOf(result)).toStartWith('INVALID_INPUT: The confirmation was not given for this call');
        expect(await world.snapshot(ids)).toEqual(before);
        // Their own confirmation works.
        const own = (await client.callTool({
          name: 'kill_jobs',
          arguments: { job_ids: ids, confirmation_token: await previewToken(usedBy, ids) },
        })) as ToolOutcome;
        expect(own.isError).toBeFalsy();
      } finally {
        await client.close();
      }
    });
  }
});
