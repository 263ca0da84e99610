/**
 * Attack: a status update stamped far in the future (year 9999) becomes the job's latest
 * record, and every later update, older than it, is logged but never applied: the job's status
 * is pinned forever. Updates more than `DIRACX_JOB_STATUS_MAX_FUTURE_SECONDS` (default 300)
 * ahead of the server's clock are refused with 422 and nothing is recorded, force or not, for
 * any caller; updates within the tolerance are applied. The server's clock is frozen here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { call, submitJob } from '../routes/jobs/harness.ts';

// Ahead of the real clock, so that jobs submitted now are older than every update sent here.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 + 600_000);
const after = (seconds: number): string => new Date(NOW.getTime() + seconds * 1000).toISOString();

let app: TestApp;
let strict: TestApp;
beforeAll(async () => {
  app = await createTestApp({ now: () => NOW });
  strict = await createTestApp({ now: () => NOW, options: { jobStatusMaxFutureSeconds: 0 } });
});
afterAll(async () => {
  await app.dispose();
  await strict.dispose();
});

/** Status columns and the history, through the search route. */
async function state(
  on: TestApp,
  id: number,
): Promise<{
  Status: string;
  MinorStatus: string;
  LoggingInfo: { Status: string; MinorStatus: string; Source: string }[];
}> {
  const res = await call(on, 'owner', 'POST', '/api/jobs/search', {
    parameters: ['Status', 'MinorStatus', 'LastUpdateTime', 'LoggingInfo'],
    search: [{ parameter: 'JobID', operator: 'eq', value: id }],
  });
  expect(res.status).toBe(200);
  return (res.body as Awaited<ReturnType<typeof state>>[])[0]!;
}

describe('status updates stamped in the future', () => {
  it('answers 422 naming the timestamp to a record 1 s past the tolerance, and records nothing', async () => {
    const id = await submitJob(app, 'owner');
    const before = await state(app, id);
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status', {
      [id]: { [after(301)]: { Status: 'Killed', Source: 'Attack' } },
    });
    expect(res.status).toBe(422);
    const [issue] = (res.body as { detail: { loc: unknown[]; msg: string }[] }).detail;
    expect(issue!.loc).toEqual(['body', String(id), after(301)]);
    expect(issue!.msg).toContain('more than 300 seconds in the future');
    expect(await state(app, id)).toEqual(before);
  });

  it('refuses year 9999 for the owner, a pilot and a forcing administrator; the job takes later updates', async () => {
    const id = await submitJob(app, 'owner');
    const before = await state(app, id);
    const pin = { [id]: { '9999-12-31T23:59:59Z': { Status: 'Done', MinorStatus: 'Pinned', Source: 'Attack' } } };
    expect((await call(app, 'owner', 'PATCH', '/api/jobs/status', pin)).status).toBe(422);
    expect((await call(app, 'pilot', 'PATCH', '/api/jobs/status', pin)).status).toBe(422);
    expect((await call(app, 'admin', 'PATCH', '/api/jobs/status?force=true', pin)).status).toBe(422);
    // As a unix time, too.
    expect(
      (
        await call(app, 'owner', 'PATCH', '/api/jobs/status', {
          [id]: { '4102444800': { Status: 'Done', Source: 'Attack' } },
        })
      ).status,
    ).toBe(422);
    expect(await state(app, id)).toEqual(before);
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status', {
      [id]: { [after(0)]: { Status: 'Killed', MinorStatus: 'By user', Source: 'User' } },
    });
    expect(res.status).toBe(200);
    expect(await state(app, id)).toMatchObject({ Status: 'Killed', MinorStatus: 'By user' });
  });

  it('refuses the whole request when one job of it has a future record', async () => {
    const [a, b] = [await submitJob(app, 'owner'), await submitJob(app, 'owner')];
    const before = [await state(app, a), await state(app, b)];
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status', {
      [a]: { [after(1)]: { Status: 'Killed', Source: 'User' } },
      [b]: {
        [after(2)]: { MinorStatus: 'fine', Source: 'User' },
        [after(3600)]: { Status: 'Killed', Source: 'Attack' },
      },
    });
    expect(res.status).toBe(422);
    expect([await state(app, a), await state(app, b)]).toEqual(before);
  });

  it('accepts records up to the tolerance ahead of the clock, and applies them', async () => {
    const id = await submitJob(app, 'owner');
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status', {
      [id]: {
        [after(299)]: { MinorStatus: 'Slightly ahead', Source: 'JobWrapper' },
        [after(300)]: { MinorStatus: 'At the limit', Source: 'JobWrapper' },
      },
    });
    expect(res.status).toBe(200);
    const now = await state(app, id);
    expect(now.MinorStatus).toBe('At the limit');
    expect(now.LoggingInfo.map((r) => r.MinorStatus).slice(-2)).toEqual(['Slightly ahead', 'At the limit']);
  });

  it('follows the setting: with 0 s of tolerance, 1 s ahead is refused and the present accepted', async () => {
    const id = await submitJob(strict, 'owner');
    const before = await state(strict, id);
    const ahead = await call(strict, 'owner', 'PATCH', '/api/jobs/status', {
      [id]: { [after(1)]: { MinorStatus: 'ahead', Source: 'User' } },
    });
    expect(ahead.status).toBe(422);
    expect((ahead.body as { detail: { msg: string }[] }).detail[0]!.msg).toContain('more than 0 seconds in the future');
    expect(await state(strict, id)).toEqual(before);
    expect(
      (
        await call(strict, 'owner', 'PATCH', '/api/jobs/status', {
          [id]: { [after(0)]: { MinorStatus: 'now', Source: 'User' } },
        })
      ).status,
    ).toBe(200);
    expect((await state(strict, id)).MinorStatus).toBe('now');
  });
});
