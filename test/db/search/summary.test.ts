/**
 * Job summaries (DiracX's `_summary`, `test_summary`): counts per grouping, filters and scope
 * applied before grouping, `[]` grouping meaning every column, flags decoded, and DiracX's
 * errors for unknown grouping columns and filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { summariseJobs } from '../../../src/db/jobs-search.ts';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '../../harness/database.ts';
import { expectInvalid, insertJobs, JOB_COLUMNS, summaryBody } from './seed.ts';

describe(`summariseJobs (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    const job = (status: string, ownerGroup: string, owner = 'chaen') => ({ vo: 'lhcb', status, ownerGroup, owner });
    await insertJobs(t.database, [
      job('Received', 'lhcb_user'),
      job('Received', 'lhcb_user'),
      job('Done', 'lhcb_user', 'albdr'),
      job('Done', 'lhcb_prmgr'),
      { ...job('Failed', 'lhcb_prmgr'), accountedFlag: 'Failed' },
    ]);
  });
  afterAll(() => t.dispose());

  const summary = (body: unknown, scope?: { vo?: string; owner?: string }) =>
    summariseJobs(t.database.session, summaryBody(body), scope);

  it('counts the jobs of each group, columns and order following the table', async () => {
    const rows = await summary({ grouping: ['Status', 'OwnerGroup'] });
    expect(rows).toEqual([
      { OwnerGroup: 'lhcb_prmgr', Status: 'Done', count: 1 },
      { OwnerGroup: 'lhcb_prmgr', Status: 'Failed', count: 1 },
      { OwnerGroup: 'lhcb_user', Status: 'Done', count: 1 },
      { OwnerGroup: 'lhcb_user', Status: 'Received', count: 2 },
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['OwnerGroup', 'Status', 'count']);
  });

  it('applies the filters before grouping and returns [] when nothing matches', async () => {
    const received = [{ parameter: 'Status', operator: 'eq', value: 'Received' }];
    expect(await summary({ grouping: ['Status'], search: received })).toEqual([{ Status: 'Received', count: 2 }]);
    const none = [{ parameter: 'Status', operator: 'eq', value: 'NEW' }];
    expect(await summary({ grouping: ['Status'], search: none })).toEqual([]);
  });

  it('applies the scope, whatever the filters', async () => {
    const others = [{ parameter: 'Owner', operator: 'neq', value: 'albdr' }];
    expect(await summary({ grouping: ['Owner'], search: others }, { owner: 'albdr' })).toEqual([]);
    expect(await summary({ grouping: ['Owner'] }, { owner: 'albdr' })).toEqual([{ Owner: 'albdr', count: 1 }]);
  });

  it('decodes flag columns in the groups', async () => {
    const failed = { AccountedFlag: 'Failed', VerifiedFlag: false, count: 1 };
    const notAccounted = { AccountedFlag: false, VerifiedFlag: false, count: 4 };
    // Groups come ordered by their columns (DiracX promises no order): PostgreSQL's text sorts
    // 'Failed' before 'False', DiracX's MySQL ENUM('True','False','Failed') by declaration.
    expect(await summary({ grouping: ['AccountedFlag', 'VerifiedFlag'] })).toEqual(
      TEST_DRIVER === 'mariadb' ? [notAccounted, failed] : [failed, notAccounted],
    );
  });

  it('groups by every column for an empty grouping, as DiracX does', async () => {
    const rows = await summary({ grouping: [] });
    expect(rows).toHaveLength(5);
    expect(Object.keys(rows[0]!)).toEqual([...JOB_COLUMNS, 'count']);
    expect(rows.every((r) => r.count === 1)).toBe(true);
  });

  it('refuses unknown grouping columns and filters with DiracX messages', async () => {
    await expectInvalid(summary({ grouping: ['Status', 'Dummy'] }), "Unrecognised parameters requested {'Dummy'}");
    await expectInvalid(
      summary({ grouping: ['Status'], search: [{ parameter: 'Dummy', operator: 'eq', value: 'x' }] }),
      'Unknown column Dummy',
    );
  });
});
