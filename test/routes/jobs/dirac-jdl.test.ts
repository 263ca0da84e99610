/**
 * The JDL DiracX 0.7.0 would prepare, over REST: the cases of test/fixtures/diracx-jdl that DiracX
 * accepts (those needing OSCompatibility aside: the shipped configuration has none) are submitted
 * with POST /api/jobs/jdl and rescheduled with POST /api/jobs/reschedule, whose InputData must be
 * the JDL DIRACCommon computed (generate.py); the logic-level test checks everything stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { expected, isReference, spec } from '../../logic/jobs/dirac-jdl-fixture.ts';
import { call } from './harness.ts';
import { setNextJobId } from '../../harness/job-rows.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.dispose());

const accepted = spec.cases.filter((c, i) => {
  const want = expected[i];
  return (
    isReference(c.name) &&
    !c.jdls.some((jdl) => jdl.includes('Platform')) &&
    want?.jobs?.every((job) => !('error' in job.reschedule)) === true
  );
});

describe('POST /api/jobs/jdl and /api/jobs/reschedule as DiracX 0.7.0', () => {
  it('covers most of the fixture', () => {
    expect(accepted.length).toBeGreaterThan(30);
  });

  for (const testCase of accepted) {
    it(testCase.name, async () => {
      const want = expected.find((c) => c.name === testCase.name)!;
      await setNextJobId(app.database, testCase.job_id);
      const submitted = await call(app, 'owner', 'POST', '/api/jobs/jdl', testCase.jdls);
      expect(submitted.status).toBe(201);
      const ids = (submitted.body as { JobID: number }[]).map((j) => j.JobID);
      expect(ids).toEqual(want.jobs!.map((_, i) => testCase.job_id + i));
      const res = await call(app, 'owner', 'POST', '/api/jobs/reschedule', { job_ids: ids });
      expect(res.status).toBe(200);
      const success = (res.body as { success: Record<string, Record<string, unknown>> }).success;
      for (const [i, id] of ids.entries()) {
        const job = want.jobs![i]!.reschedule as { jdl: string; site: string; user_priority: number };
        expect(success[id]).toMatchObject({ InputData: job.jdl, Site: job.site, UserPriority: job.user_priority });
      }
    });
  }
});
