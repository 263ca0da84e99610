/**
 * Attack: a job's owner, a pilot or a user of the same VO sets `force=true` on
 * `PATCH /api/jobs/status` to move a job past DIRAC's state machine (a finished job back to
 * Running, a job straight to Done). DiracX 0.7.0 asks for `JobAdministrator` there
 * (`ActionType.FORCE_STATUS`); everyone else gets 403 and neither the job nor its history
 * changes. An administrator of the job's VO may force; to one of another VO the job does not
 * exist (DiracX's 404 for ids not found, issue 18 item 3), and it does not change either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from '../harness/app.ts';
import { call, submitJob, type Person } from '../routes/jobs/harness.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.dispose());

/** A status update stamped now (and a few ms later for each further step). */
let step = 0;
const stamp = (): string => new Date(Date.now() + ++step).toISOString();

/** The job's status columns and full history, through the search route as the VO administrator. */
async function state(id: number): Promise<unknown> {
  const res = await call(app, 'admin', 'POST', '/api/jobs/search', {
    parameters: [
      'Status',
      'MinorStatus',
      'ApplicationStatus',
      'LastUpdateTime',
      'StartExecTime',
      'EndExecTime',
      'HeartBeatTime',
      'LoggingInfo',
    ],
    search: [{ parameter: 'JobID', operator: 'eq', value: id }],
  });
  expect(res.status).toBe(200);
  return res.body;
}

/** A job in Done: submitted, then taken through the state machine (Waiting, Matched, Running, Done) by a pilot. */
async function doneJob(): Promise<number> {
  const id = await submitJob(app, 'owner');
  for (const status of ['Waiting', 'Matched', 'Running', 'Done']) {
    const res = await call(app, 'pilot', 'PATCH', '/api/jobs/status', {
      [id]: { [stamp()]: { Status: status, Source: 'JobWrapper' } },
    });
    expect(res.status).toBe(200);
  }
  expect((await state(id)) as { Status: string }[]).toMatchObject([{ Status: 'Done' }]);
  return id;
}

describe('PATCH /api/jobs/status?force=true', () => {
  for (const who of ['owner', 'pilot', 'sameGroup', 'otherVo'] as Person[]) {
    it(`answers 403 to the ${who} and changes neither the job nor its history`, async () => {
      const id = await doneJob();
      const before = await state(id);
      const res = await call(app, who, 'PATCH', '/api/jobs/status?force=true', {
        [id]: { [stamp()]: { Status: 'Running', MinorStatus: 'Forced', Source: 'Attack' } },
      });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ detail: 'Forbidden' });
      expect(await state(id)).toEqual(before);
    });
  }

  it('answers the otherVoAdmin 404 as for a missing job, and changes neither the job nor its history', async () => {
    const id = await doneJob();
    const before = await state(id);
    const res = await call(app, 'otherVoAdmin', 'PATCH', '/api/jobs/status?force=true', {
      [id]: { [stamp()]: { Status: 'Running', MinorStatus: 'Forced', Source: 'Attack' } },
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: { success: {}, failed: { [id]: { detail: 'Not found' } } } });
    expect(await state(id)).toEqual(before);
  });

  it('lets a JobAdministrator of the VO force a transition the state machine refuses', async () => {
    const id = await doneJob();
    const res = await call(app, 'admin', 'PATCH', '/api/jobs/status?force=true', {
      [id]: { [stamp()]: { Status: 'Running', MinorStatus: 'Forced', Source: 'Admin' } },
    });
    expect(res.status).toBe(200);
    const [after] = (await state(id)) as {
      Status: string;
      MinorStatus: string;
      LoggingInfo: { Status: string; Source: string }[];
    }[];
    expect(after).toMatchObject({ Status: 'Running', MinorStatus: 'Forced' });
    expect(after!.LoggingInfo.at(-1)).toMatchObject({ Status: 'Running', Source: 'Admin' });
  });

  it('still lets the owner and the pilot change statuses through the state machine without force', async () => {
    const id = await doneJob();
    const res = await call(app, 'owner', 'PATCH', '/api/jobs/status?force=false', {
      [id]: { [stamp()]: { Status: 'Running', Source: 'User' } },
    });
    expect(res.status).toBe(200);
    // Done → Running is not a transition the state machine allows: the job stays Done.
    expect((await state(id)) as { Status: string }[]).toMatchObject([{ Status: 'Done' }]);
  });
});
