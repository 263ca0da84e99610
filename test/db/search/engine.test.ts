/**
 * The search engine is table-agnostic: described with its own wire names, another table
 * (here `LoggingInfo`) gets the same filters, datetime periods, ordering, paging, summary and
 * scope as `Jobs`, with nothing jobs-specific in `src/db/search`. Run over PostgreSQL's backend
 * (`postgresSearch`, its tables); MySQL's backend answers as DiracX's own on the same rows in
 * test/db/mysql/jobs-search and pilots-search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { eq } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../../../src/db/database.ts';
import { loggingInfo } from '../../../src/db/schema/job-logging.ts';
import { postgresSearch } from '../../../src/db/search/postgres.ts';
import { runSearch, runSummary } from '../../../src/db/search/run.ts';
import type { SearchTable } from '../../../src/db/search/types.ts';
import {
  createTestDatabase,
  POSTGRES_ONLY,
  postgresOf,
  TEST_DRIVER,
  type TestDatabase,
} from '../../harness/database.ts';
import { expectInvalid, insertHistory, insertJobs, searchBody, summaryBody } from './seed.ts';

const HISTORY: SearchTable<PgTable, PgColumn> = {
  table: loggingInfo,
  key: 'SeqNum',
  columns: {
    JobID: { kind: 'int', column: loggingInfo.jobId },
    SeqNum: { kind: 'int', column: loggingInfo.seqNum },
    Status: { kind: 'string', column: loggingInfo.status },
    StatusTime: { kind: 'datetime', column: loggingInfo.statusTime },
    Source: { kind: 'string', column: loggingInfo.statusSource },
  },
};

describe.skipIf(POSTGRES_ONLY)(`runSearch on another table (${TEST_DRIVER}; PostgreSQL's backend)`, () => {
  let t: TestDatabase;
  let db: Db;
  let jobA: number;
  let jobB: number;
  beforeAll(async () => {
    t = await createTestDatabase();
    db = postgresOf(t.database).db;
    [jobA, jobB] = (await insertJobs(t.database, [{ vo: 'lhcb' }, { vo: 'lhcb' }])) as [number, number];
    const entry = (status: string, time: string) => ({
      status,
      minorStatus: '',
      applicationStatus: '',
      time: new Date(time),
    });
    await insertHistory(t.database, jobA, [
      entry('Received', '2024-05-01T10:00:00Z'),
      entry('Running', '2024-05-02T10:00:00Z'),
    ]);
    await insertHistory(t.database, jobB, [entry('Received', '2024-05-01T11:00:00Z')]);
  });
  afterAll(() => t.dispose());

  it('filters, orders and pages with the table own names', async () => {
    const body = searchBody({
      parameters: ['JobID', 'Status'],
      search: [{ parameter: 'StatusTime', operator: 'eq', value: '2024-05-01' }],
      sort: [{ parameter: 'JobID', direction: 'desc' }],
    });
    expect(await runSearch(postgresSearch(db), HISTORY, body, { page: 1, perPage: 1 })).toEqual({
      rows: [{ JobID: jobB, Status: 'Received' }],
      total: 2,
    });
    expect(await runSearch(postgresSearch(db), HISTORY, body, { page: 2, perPage: 1 })).toEqual({
      rows: [{ JobID: jobA, Status: 'Received' }],
      total: 2,
    });
  });

  it('ANDs the scope conditions it is given', async () => {
    const { total } = await runSearch(postgresSearch(db), HISTORY, searchBody(), { page: 1, perPage: 10 }, [
      eq(loggingInfo.jobId, jobA),
    ]);
    expect(total).toBe(2);
  });

  it('summarises by the table columns, counting its key', async () => {
    expect(await runSummary(postgresSearch(db), HISTORY, summaryBody({ grouping: ['Status'] }))).toEqual([
      { Status: 'Received', count: 2 },
      { Status: 'Running', count: 1 },
    ]);
  });

  it('knows only the columns it is given', async () => {
    await expectInvalid(
      runSearch(postgresSearch(db), HISTORY, searchBody({ parameters: ['MinorStatus'] }), { page: 1, perPage: 10 }),
      "Unrecognised parameters requested {'MinorStatus'}",
    );
  });
});
