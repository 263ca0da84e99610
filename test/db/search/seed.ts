/**
 * Fixtures for the search tests: jobs inserted straight into `JobJDLs` + `Jobs` (and history
 * into `LoggingInfo`) with drizzle, DiracX's 100-job `owner0..99` set, and small helpers to
 * build request bodies through the wire schemas and to catch refusals.
 */
import { expect } from 'bun:test';
import type { Db } from '../../../src/db/database.ts';
import { loggingInfo } from '../../../src/db/schema/job-logging.ts';
import { jobJdls, jobs, type NewJobRow } from '../../../src/db/schema/jobs.ts';
import { SearchParams, SummaryParams } from '../../../src/logic/jobs/search-params.ts';

export type JobFields = Omit<NewJobRow, 'jobId'>;

/** Inserts jobs (one `JobJDLs` row each, allocating ids) and returns their ids in order. */
export async function insertJobs(db: Db, rows: readonly JobFields[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const ids = await db
    .insert(jobJdls)
    .values(rows.map(() => ({ jdl: '[]' })))
    .returning({ id: jobJdls.jobId });
  await db.insert(jobs).values(rows.map((row, i) => ({ ...row, jobId: ids[i]!.id })));
  return ids.map((r) => r.id);
}

/** DiracX's `populated_job_db`: 100 `New` jobs, `owner0..99`, groups 1 (first 50) and 2. */
export async function insertOwnerJobs(db: Db): Promise<number[]> {
  const rows = Array.from({ length: 100 }, (_, i) => ({
    status: 'New',
    owner: `owner${i}`,
    ownerGroup: i < 50 ? 'owner_group1' : 'owner_group2',
    vo: 'lhcb',
  }));
  return insertJobs(db, rows);
}

export interface HistoryEntry {
  status: string;
  minorStatus: string;
  applicationStatus: string;
  time: Date;
  source?: string;
}

/** Appends status records to a job's history (`StatusTimeOrder` from the time, as DIRAC). */
export async function insertHistory(db: Db, jobId: number, entries: readonly HistoryEntry[]): Promise<void> {
  await db.insert(loggingInfo).values(
    entries.map((e) => ({
      jobId,
      status: e.status,
      minorStatus: e.minorStatus,
      applicationStatus: e.applicationStatus,
      statusTime: e.time,
      statusTimeOrder: (e.time.getTime() / 1000 - 1_270_000_000).toFixed(3),
      statusSource: e.source ?? 'Unknown',
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
