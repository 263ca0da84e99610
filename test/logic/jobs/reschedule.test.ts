/**
 * Rescheduling in the logic layer: a job goes back to Received / "Job Rescheduled" with its
 * counter raised and its JDL prepared again; past MaxRescheduling it is failed instead; when no
 * job can be rescheduled the call is refused and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../../src/config/file-source.ts';
import type { Config } from '../../../src/config/schema.ts';
import type { AuthedUser } from '../../../src/core/user.ts';
import { rescheduleJobs } from '../../../src/logic/jobs/reschedule.ts';
import { setJobStatuses } from '../../../src/logic/jobs/set-status.ts';
import { submitJdlJobs } from '../../../src/logic/jobs/submit.ts';
import { createTestDatabase, type TestDatabase } from '../../harness/database.ts';
import { readJobRow } from '../../harness/job-rows.ts';

const USER: AuthedUser = {
  sub: 'lhcb:x',
  preferredUsername: 'chaen',
  vo: 'lhcb',
  diracGroup: 'lhcb_user',
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
  [db, { config }] = await Promise.all([createTestDatabase(), loadConfigFile(DEFAULT_CONFIG_PATH)]);
});
afterAll(() => db.dispose());

const ctx = () => ({ database: db.database, config, now });
const submit = async (): Promise<number> =>
  (await submitJdlJobs({ ...ctx(), user: USER }, ['[Executable = "x"; Site = "LCG.CERN.cern";]']))[0]!.JobID;
const row = async (id: number) => readJobRow(db.database, id);

describe('rescheduleJobs', () => {
  it('sends a running job back to Received and counts the reschedule', async () => {
    const id = await submit();
    await setJobStatuses(ctx(), { [id]: { [now().toISOString()]: { Status: 'Running', Source: 'Test' } } }, true);
    const result = await rescheduleJobs(ctx(), [id], false);
    expect(result.failed).toEqual({});
    expect(result.success[id]).toMatchObject({
      Status: 'Received',
      MinorStatus: 'Job Rescheduled',
      RescheduleCounter: 1,
      Site: 'LCG.CERN.cern',
    });
    expect(String(result.success[id]!.InputData)).toContain('JobRequirements');
    expect(await row(id)).toMatchObject({ status: 'Received', minorStatus: 'Job Rescheduled', rescheduleCounter: 1 });
  });

  it('fails a job rescheduled more than MaxRescheduling times; refuses the call if nothing else succeeds', async () => {
    const id = await submit();
    for (let i = 1; i <= 3; i++)
      expect((await rescheduleJobs(ctx(), [id], false)).success[id]).toMatchObject({ RescheduleCounter: i });
    const err = await rescheduleJobs(ctx(), [id], false).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'INVALID_INPUT',
      detail: { success: {}, failed: { [id]: { detail: 'Maximum number of reschedules exceeded (3)' } } },
    });
    expect(await row(id)).toMatchObject({ rescheduleCounter: 3, status: 'Received' });
  });

  it('fails the over-rescheduled job when another job of the call succeeds', async () => {
    const tired = await submit();
    for (let i = 0; i < 3; i++) await rescheduleJobs(ctx(), [tired], false);
    const fresh = await submit();
    const result = await rescheduleJobs(ctx(), [tired, fresh], false);
    expect(Object.keys(result.success)).toEqual([String(fresh)]);
    expect(await row(tired)).toMatchObject({ status: 'Failed', minorStatus: 'Maximum of reschedulings reached' });
  });

  it('resets the counter with reset_jobs', async () => {
    const id = await submit();
    await rescheduleJobs(ctx(), [id], false);
    expect((await rescheduleJobs(ctx(), [id], true)).success[id]).toMatchObject({ RescheduleCounter: 0 });
  });

  it('refuses unknown jobs with "Not found" for each', async () => {
    const err = await rescheduleJobs(ctx(), [999999991, 999999992], false).catch((e: unknown) => e);
    expect(err).toMatchObject({
      detail: { success: {}, failed: { '999999991': { detail: 'Not found' }, '999999992': { detail: 'Not found' } } },
    });
  });
});
