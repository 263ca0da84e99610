/**
 * The jobs binding of the search engine: the wire shape of a job row (Date times, boolean
 * `VerifiedFlag`, true/false/"Failed" `AccountedFlag`), flag filters, the `LoggingInfo`
 * pseudo-parameter with DiracX's "idem" handling, and the caller's scope, which no user
 * filter can widen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { getJobLoggingRecords, searchJobs } from '../../../src/db/jobs-search.ts';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '../../harness/database.ts';
import { expectInvalid, insertHistory, insertJobs, JOB_COLUMNS, searchBody } from './seed.ts';

describe(`searchJobs (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  let ids: number[];
  const t0 = new Date('2024-03-01T12:00:00Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

  beforeAll(async () => {
    t = await createTestDatabase();
    ids = await insertJobs(t.database, [
      {
        vo: 'lhcb',
        owner: 'chaen',
        verifiedFlag: true,
        accountedFlag: 'True',
        submissionTime: t0,
        site: 'LCG.CERN.ch',
      },
      { vo: 'lhcb', owner: 'albdr', verifiedFlag: false, accountedFlag: 'Failed' },
      { vo: 'lhcb', owner: 'chaen', verifiedFlag: false, accountedFlag: 'False' },
      { vo: 'gridpp', owner: 'chaen', verifiedFlag: true },
    ]);
    // Inserted out of order: the history is read back by StatusTimeOrder.
    await insertHistory(t.database, ids[0]!, [
      { status: 'Checking', minorStatus: 'JobPath', applicationStatus: 'idem', time: at(10) },
      { status: 'Received', minorStatus: 'Job accepted', applicationStatus: 'idem', time: at(0), source: 'JobManager' },
      { status: 'idem', minorStatus: 'idem', applicationStatus: 'Running step 1', time: at(20) },
      { status: 'Running', minorStatus: 'idem', applicationStatus: 'idem', time: at(30) },
    ]);
    await insertHistory(t.database, ids[1]!, [
      { status: 'idem', minorStatus: 'idem', applicationStatus: 'idem', time: at(5) },
    ]);
  });
  afterAll(() => t.dispose());

  const search = (body: unknown, scope?: { vo?: string; owner?: string }) =>
    searchJobs(t.database.session, searchBody(body), 1, 100, scope);
  const jobIds = async (body: unknown, scope?: { vo?: string; owner?: string }) =>
    (await search({ ...(body as object), parameters: ['JobID'] }, scope)).rows.map((r) => ids.indexOf(Number(r.JobID)));

  it('returns a job with every column under its DiracX name and wire type', async () => {
    const { rows } = await search({ search: [{ parameter: 'JobID', operator: 'eq', value: ids[0] }] });
    expect(Object.keys(rows[0]!)).toEqual(JOB_COLUMNS);
    expect(rows[0]).toMatchObject({
      JobID: ids[0],
      JobType: 'user',
      JobGroup: '00000000',
      Site: 'LCG.CERN.ch',
      Owner: 'chaen',
      VO: 'lhcb',
      SubmissionTime: t0,
      LastUpdateTime: null,
      UserPriority: 0,
      VerifiedFlag: true,
      AccountedFlag: true,
    });
    const flags = (await search({ parameters: ['AccountedFlag'] })).rows.map((r) => r.AccountedFlag);
    expect(flags).toEqual([true, 'Failed', false, false]);
  });

  it('filters VerifiedFlag by booleans and their DiracX spellings', async () => {
    for (const value of [true, 'True', 'true', 1, '1']) {
      expect(await jobIds({ search: [{ parameter: 'VerifiedFlag', operator: 'eq', value }] })).toEqual([0, 3]);
    }
    expect(await jobIds({ search: [{ parameter: 'VerifiedFlag', operator: 'neq', value: 'False' }] })).toEqual([0, 3]);
    expect(await jobIds({ search: [{ parameter: 'VerifiedFlag', operator: 'in', values: [false] }] })).toEqual([1, 2]);
  });

  it('refuses VerifiedFlag values that are not booleans and operators that do not apply', async () => {
    await expectInvalid(
      search({ search: [{ parameter: 'VerifiedFlag', operator: 'eq', value: 'yes' }] }),
      "Invalid value for parameter VerifiedFlag: expected a boolean, got 'yes'",
    );
    for (const operator of ['gt', 'like', 'regex']) {
      await expectInvalid(
        search({ search: [{ parameter: 'VerifiedFlag', operator, value: 'True' }] }),
        `Operator '${operator}' is not supported for parameter VerifiedFlag`,
      );
    }
  });

  it('filters AccountedFlag by true, false and "Failed"', async () => {
    expect(await jobIds({ search: [{ parameter: 'AccountedFlag', operator: 'eq', value: true }] })).toEqual([0]);
    expect(await jobIds({ search: [{ parameter: 'AccountedFlag', operator: 'eq', value: 'Failed' }] })).toEqual([1]);
    expect(
      await jobIds({ search: [{ parameter: 'AccountedFlag', operator: 'in', values: ['false', 'Failed'] }] }),
    ).toEqual([1, 2, 3]);
    expect(await jobIds({ search: [{ parameter: 'AccountedFlag', operator: 'like', value: 'F%' }] })).toEqual([
      1, 2, 3,
    ]);
    await expectInvalid(
      search({ search: [{ parameter: 'AccountedFlag', operator: 'eq', value: 'maybe' }] }),
      "Invalid value for parameter AccountedFlag: expected one of true, false, 'Failed', got 'maybe'",
    );
  });

  describe('LoggingInfo', () => {
    it('adds each job history in order, with idem resolved and a first idem application status Unknown', async () => {
      const body = {
        parameters: ['Status', 'LoggingInfo'],
        search: [{ parameter: 'JobID', operator: 'eq', value: ids[0] }],
      };
      const { rows } = await search(body);
      expect(Object.keys(rows[0]!)).toEqual(['JobID', 'Status', 'LoggingInfo']);
      expect(rows[0]?.LoggingInfo).toEqual([
        {
          Status: 'Received',
          MinorStatus: 'Job accepted',
          ApplicationStatus: 'Unknown',
          StatusTime: at(0),
          Source: 'JobManager',
        },
        {
          Status: 'Checking',
          MinorStatus: 'JobPath',
          ApplicationStatus: 'Unknown',
          StatusTime: at(10),
          Source: 'Unknown',
        },
        {
          Status: 'Checking',
          MinorStatus: 'JobPath',
          ApplicationStatus: 'Running step 1',
          StatusTime: at(20),
          Source: 'Unknown',
        },
        {
          Status: 'Running',
          MinorStatus: 'JobPath',
          ApplicationStatus: 'Running step 1',
          StatusTime: at(30),
          Source: 'Unknown',
        },
      ]);
    });

    it('keeps a first idem status and minor status as DiracX does', async () => {
      const history = await getJobLoggingRecords(t.database.session, [ids[1]!]);
      expect(history.get(ids[1]!)).toEqual([
        { Status: 'idem', MinorStatus: 'idem', ApplicationStatus: 'Unknown', StatusTime: at(5), Source: 'Unknown' },
      ]);
    });

    it('returns every column when LoggingInfo is the only parameter, and [] for jobs without history', async () => {
      const { rows } = await search({ parameters: ['LoggingInfo'] });
      expect(Object.keys(rows[0]!)).toEqual([...JOB_COLUMNS, 'LoggingInfo']);
      expect(rows.map((r) => (r.LoggingInfo as unknown[]).length)).toEqual([4, 1, 0, 0]);
    });

    it('is not a column anywhere else', async () => {
      await expectInvalid(
        search({ search: [{ parameter: 'LoggingInfo', operator: 'eq', value: 'x' }] }),
        'Unknown column LoggingInfo',
      );
      await expectInvalid(
        search({ parameters: ['JobID'], sort: [{ parameter: 'LoggingInfo', direction: 'asc' }] }),
        'Cannot sort by LoggingInfo: unknown column',
      );
    });
  });

  describe('scope', () => {
    it('restricts the rows and the total to the scope', async () => {
      expect(await jobIds({}, { owner: 'chaen' })).toEqual([0, 2, 3]);
      expect(await jobIds({}, { vo: 'lhcb', owner: 'chaen' })).toEqual([0, 2]);
      expect((await search({}, { vo: 'gridpp' })).total).toBe(1);
    });

    it('cannot be widened by user filters', async () => {
      const scope = { vo: 'lhcb', owner: 'chaen' };
      expect(await jobIds({ search: [{ parameter: 'Owner', operator: 'neq', value: 'chaen' }] }, scope)).toEqual([]);
      expect(await jobIds({ search: [{ parameter: 'Owner', operator: 'eq', value: 'albdr' }] }, scope)).toEqual([]);
      expect(
        await jobIds({ search: [{ parameter: 'VO', operator: 'in', values: ['gridpp', 'lhcb'] }] }, scope),
      ).toEqual([0, 2]);
      // A filter compiled to an OR of ranges stays inside the scope's AND: job 0 (chaen's) is
      // in the last range, which unparenthesised SQL would OR past `Owner = 'albdr'`.
      const or = { search: [{ parameter: 'SubmissionTime', operator: 'in', values: ['1999-01-01', '2024-03-01'] }] };
      expect(await jobIds(or)).toEqual([0]);
      expect(await jobIds(or, { owner: 'albdr' })).toEqual([]);
      const injection = { search: [{ parameter: 'Owner', operator: 'eq', value: "x' or '1'='1" }] };
      expect(await jobIds(injection, scope)).toEqual([]);
    });
  });
});
