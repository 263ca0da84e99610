/**
 * The boolean query flags (`force` of `PATCH /api/jobs/status`, `reset_jobs` of
 * `POST /api/jobs/reschedule`) are read as FastAPI reads a `bool` (pydantic's parsing: `1`, `on`,
 * `t`, `true`, `y`, `yes` and `0`, `f`, `false`, `n`, `no`, `off`, in any case), while the
 * document types them as booleans. A forced update by a job's owner is refused (403), so the
 * answer tells whether a value was read as true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { call, submitJob } from './harness.ts';

let app: TestApp;
let jobId: number;
beforeAll(async () => {
  app = await createTestApp();
  jobId = await submitJob(app, 'owner');
});
afterAll(() => app.dispose());

let step = 0;
/** A status update of the owner's job, stamped now (and a few ms later for each further call). */
const update = (): Record<number, unknown> => ({
  [jobId]: { [new Date(Date.now() + ++step).toISOString()]: { MinorStatus: 'flag test', Source: 'User' } },
});

describe('the force flag of PATCH /api/jobs/status', () => {
  for (const value of ['true', 'TRUE', 'Yes', 'on', 't', 'Y', '1']) {
    it(`reads ${value} as true (forcing, refused to the owner)`, async () => {
      const res = await call(app, 'owner', 'PATCH', `/api/jobs/status?force=${value}`, update());
      expect(res.status).toBe(403);
    });
  }

  for (const value of ['false', 'FALSE', 'No', 'off', 'f', 'N', '0']) {
    it(`reads ${value} as false`, async () => {
      const res = await call(app, 'owner', 'PATCH', `/api/jobs/status?force=${value}`, update());
      expect(res.status).toBe(200);
    });
  }

  for (const value of ['maybe', '2', 'tru']) {
    it(`refuses ${value} with 422, as FastAPI does`, async () => {
      const res = await call(app, 'owner', 'PATCH', `/api/jobs/status?force=${value}`, update());
      expect(res.status).toBe(422);
    });
  }
});

describe('the reset_jobs flag of POST /api/jobs/reschedule', () => {
  it('refuses a value that is not a boolean with 422', async () => {
    const res = await call(app, 'owner', 'POST', '/api/jobs/reschedule?reset_jobs=maybe', { job_ids: [jobId] });
    expect(res.status).toBe(422);
  });

  it('accepts pydantic spellings of a boolean', async () => {
    for (const value of ['On', 'n']) {
      const res = await call(app, 'owner', 'POST', `/api/jobs/reschedule?reset_jobs=${value}`, { job_ids: [jobId] });
      expect(res.status).not.toBe(422);
    }
  });
});
