/**
 * Fixtures for the search tests, on either dialect of the test database: jobs inserted straight
 * into `JobJDLs` + `Jobs` with drizzle (no history, unlike a submission; on MySQL the flags as
 * DiracX's `'True'`/`'False'`), history appended through the data layer, DiracX's 100-job
 * `owner0..99` set, and small helpers to build request bodies through the wire schemas and to
 * catch refusals.
 */
import { expect } from 'bun:test';
import { insertLoggingRecords } from '../../../src/db/job-logging.ts';
import { jobJdls, jobs, type NewJobRow } from '../../../src/db/schema/jobs.ts';
import { SearchParams, SummaryParams } from '../../../src/logic/jobs/search-params.ts';
import type { AnyDatabase } from '../../harness/database.ts';

export type JobFields = Omit<NewJobRow, 'jobId'>;

/** Inserts jobs (one `JobJDLs` row each, allocating ids) and returns their ids in order. */
export async function insertJobs(database: AnyDatabase, rows: readonly JobFields[]): Promise<number[]> {
  if (rows.length === 0) return [];
  if (database.driver === 'mysql') {
    const t = database.tables;
    const ids: number[] = [];
    // One row per statement: the ids of a multi-row insert depend on the server's lock mode.
    for (const _ of rows) {
      const [header] = await database.db.insert(t.jobJdls).values({ jdl: '[]', jobRequirements: '', originalJdl: '' });
      ids.push(header.insertId);
    }
    const flag = (value: boolean | undefined): 'True' | 'False' => (value ? 'True' : 'False');
    await database.db.insert(t.jobs).values(
      rows.map(({ verifiedFlag, accountedFlag, ...row }, i) => ({
        ...row,
        jobId: ids[i]!,
        verifiedFlag: flag(verifiedFlag),
        accountedFlag: accountedFlag === 'Failed' ? ('Failed' as const) : flag(accountedFlag === 'True'),
      })),
    );
    return ids;
  }
  const ids = await database.db
    .insert(jobJdls)
    .values(rows.map(() => ({ jdl: '[]' })))
    .returning({ id: jobJdls.jobId });
  await database.db.insert(jobs).values(rows.map((row, i) => ({ ...row, jobId: ids[i]!.id })));
  return ids.map((r) => r.id);
}

/** DiracX's `populated_job_db`: 100 `New` jobs, `owner0..99`, groups 1 (first 50) and 2. */
export async function insertOwnerJobs(database: AnyDatabase): Promise<number[]> {
  const rows = Array.from({ length: 100 }, (_, i) => ({
    status: 'New',
    owner: `owner${i}`,
    ownerGroup: i < 50 ? 'owner_group1' : 'owner_group2',
    vo: 'lhcb',
  }));
  return insertJobs(database, rows);
}

export interface HistoryEntry {
  status: string;
  minorStatus: string;
  applicationStatus: string;
  time: Date;
  source?: string;
}

/** Appends status records to a job's history (`StatusTimeOrder` from the time, as DIRAC). */
export async function insertHistory(
  database: AnyDatabase,
  jobId: number,
  entries: readonly HistoryEntry[],
): Promise<void> {
  await insertLoggingRecords(
    database.session,
    entries.map((e) => ({
      jobId,
      status: e.status,
      minorStatus: e.minorStatus,
      applicationStatus: e.applicationStatus,
      timeUs: e.time.getTime() * 1000,
      source: e.source ?? 'Unknown',
    })),
  );
}

/** A search body as the route would hand it over: parsed by the wire schema, defaults filled. */
export const searchBody = (body: unknown = {}): SearchParams => SearchParams.parse(body);
export const summaryBody = (body: unknown): SummaryParams => SummaryParams.parse(body);

/** Resolves to what `promise` rejected with; fails the test if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal, got a result');
    },
    (err: unknown) => err,
  );
}

/** Asserts a 400 (`INVALID_INPUT`) first, then its exact message. */
export async function expectInvalid(promise: Promise<unknown>, message: string): Promise<void> {
  const err = await rejection(promise);
  expect(err).toMatchObject({ code: 'INVALID_INPUT' });
  expect(err).toHaveProperty('message', message);
}

/** Every `Jobs` search column in DiracX's order. */
export const JOB_COLUMNS = [
  'JobID',
  'JobType',
  'JobGroup',
  'Site',
  'JobName',
  'Owner',
  'OwnerGroup',
  'VO',
  'SubmissionTime',
  'RescheduleTime',
  'LastUpdateTime',
  'StartExecTime',
  'HeartBeatTime',
  'EndExecTime',
  'Status',
  'MinorStatus',
  'ApplicationStatus',
  'UserPriority',
  'RescheduleCounter',
  'VerifiedFlag',
  'AccountedFlag',
];
