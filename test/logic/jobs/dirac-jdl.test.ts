/**
 * Jobs are prepared as DiracX 0.7.0 prepares them: each JDL of test/fixtures/diracx-jdl/cases.json
 * is submitted and rescheduled, and the stored JDL, original JDL, Jobs columns, input data, and
 * what rescheduling stores and answers must equal expected.json, which generate.py computed with
 * DIRACCommon's own functions. Where DiracX refuses, we refuse too; where it hangs, fails with a
 * 500 or mangles a value, we refuse on purpose (docs/compatibility.md), listed below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../../src/config/file-source.ts';
import type { Config } from '../../../src/config/schema.ts';
import type { AuthedUser } from '../../../src/core/user.ts';
import { jobJdl } from '../../../src/logic/jobs/read.ts';
import { rescheduleJobs } from '../../../src/logic/jobs/reschedule.ts';
import { setJobStatuses } from '../../../src/logic/jobs/set-status.ts';
import { submitJdlJobs } from '../../../src/logic/jobs/submit.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { readInputData, readJobRow, setNextJobId } from '../../harness/job-rows.ts';
import { EXPANDED_ON_PURPOSE, type ExpectedCase, expected, REFUSED_ON_PURPOSE, spec } from './dirac-jdl-fixture.ts';

const USER: AuthedUser = {
  sub: 'lhcb:x',
  preferredUsername: spec.owner,
  vo: spec.vo,
  diracGroup: spec.owner_group,
  properties: ['NormalUser'],
  tokenId: 't',
  policies: {},
  expiresAt: 0,
};

let db: TestDatabase;
let config: Config;
let clock = Date.parse('2026-11-26T10:00:00Z');
const now = (): Date => {
  clock += 1000;
  return new Date(clock);
};
beforeAll(async () => {
  const [database, loaded] = await Promise.all([createTestDatabase(), loadConfigFile(DEFAULT_CONFIG_PATH)]);
  db = database;
  const computing = { ...loaded.config.Resources.Computing, OSCompatibility: spec.os_compatibility };
  config = { ...loaded.config, Resources: { ...loaded.config.Resources, Computing: computing } };
});
afterAll(() => db.dispose());

const ctx = () => ({ database: db.database, config, user: USER, now });

/** The stored job and its input data. */
async function storedJob(jobId: number) {
  return { row: await readJobRow(db.database, jobId), lfns: await readInputData(db.database, jobId) };
}

describe('the configuration the fixture was generated with', () => {
  it('is the test configuration', () => {
    const ops = config.Operations[spec.vo];
    expect(ops?.JobDescription).toEqual(spec.job_description);
    expect(ops?.InputDataPolicy.InputDataModule).toBe(spec.input_data_module);
    expect(ops?.SoftwareDistModule).toBe(spec.software_dist_module);
  });
});

describe('submitting and rescheduling as DiracX 0.7.0', () => {
  for (const [index, testCase] of spec.cases.entries()) {
    const want: ExpectedCase | undefined = expected[index];
    it(`${testCase.name}`, async () => {
      expect(want?.name).toBe(testCase.name);
      // The fixture's ids (a refused submission may use some).
      await setNextJobId(db.database, testCase.job_id);
      const submitted = submitJdlJobs(ctx(), testCase.jdls);
      if (want?.error !== undefined || REFUSED_ON_PURPOSE[testCase.name]) {
        await expect(submitted).rejects.toMatchObject({ code: 'INVALID_INPUT' });
        return;
      }
      const expandedCount = EXPANDED_ON_PURPOSE[testCase.name];
      if (expandedCount !== undefined) {
        expect(await submitted).toHaveLength(expandedCount);
        return;
      }
      const wantJobs = want?.jobs ?? [];
      const ids = (await submitted).map((j) => j.JobID);
      expect(ids).toEqual(wantJobs.map((_, i) => testCase.job_id + i));
      for (const [i, job] of wantJobs.entries()) {
        const jobId = testCase.job_id + i;
        expect(await jobJdl({ database: db.database }, jobId)).toEqual({ jdl: job.jdl, originalJdl: job.original_jdl });
        const { row, lfns } = await storedJob(jobId);
        expect(row).toMatchObject({
          jobName: job.attributes.JobName ?? 'Unknown',
          jobType: job.attributes.JobType ?? 'user',
          jobGroup: job.attributes.JobGroup ?? '00000000',
          site: job.attributes.Site ?? 'ANY',
          userPriority: job.attributes.UserPriority,
        });
        expect(lfns).toEqual([...job.input_data].sort());

        await setJobStatuses(ctx(), { [jobId]: { [now().toISOString()]: { Status: 'Running', Source: 'T' } } }, true);
        const rescheduled = rescheduleJobs(ctx(), [jobId], false);
        if ('error' in job.reschedule) {
          await expect(rescheduled).rejects.toMatchObject({ code: 'INVALID_INPUT' });
          continue;
        }
        const answer = (await rescheduled).success[jobId];
        expect(answer).toMatchObject({
          InputData: job.reschedule.jdl,
          Site: job.reschedule.site,
          UserPriority: job.reschedule.user_priority,
        });
        expect((await jobJdl({ database: db.database }, jobId))?.jdl).toBe(job.reschedule.jdl);
      }
    });
  }
});
