/**
 * Search filters on text and integer columns over DiracX's 100-job `owner0..99` set: every
 * operator, AND-ing, value type checks, case sensitivity, regular expressions checked by
 * PostgreSQL, unknown columns, and injection-shaped values treated as plain data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { searchJobs } from '../../../src/db/jobs-search.ts';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '../../harness/database.ts';
import { countJobs } from '../../harness/job-rows.ts';
import { expectInvalid, insertOwnerJobs, searchBody } from './seed.ts';

describe(`job search filters (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await insertOwnerJobs(t.database);
  });
  afterAll(() => t.dispose());

  const find = (search: unknown[], parameters: string[] | null = ['JobID', 'Owner']) =>
    searchJobs(t.database.session, searchBody({ parameters, search }), 1, 1000);
  const ids = async (search: unknown[]) => (await find(search)).rows.map((r) => r.JobID);

  it('applies eq, lt, gt and neq to an integer column', async () => {
    expect(await ids([{ parameter: 'JobID', operator: 'eq', value: 3 }])).toEqual([3]);
    expect(await ids([{ parameter: 'JobID', operator: 'lt', value: 3 }])).toEqual([1, 2]);
    expect(await ids([{ parameter: 'JobID', operator: 'gt', value: 98 }])).toEqual([99, 100]);
    const others = await find([{ parameter: 'JobID', operator: 'neq', value: 3 }]);
    expect(others.total).toBe(99);
    expect(others.rows.some((r) => r.JobID === 3)).toBe(false);
    expect((await find([{ parameter: 'JobID', operator: 'eq', value: 5873 }])).total).toBe(0);
  });

  it('applies in and not in, ignoring ids that do not exist', async () => {
    expect(await ids([{ parameter: 'JobID', operator: 'in', values: [1, 2, 5873] }])).toEqual([1, 2]);
    expect((await find([{ parameter: 'JobID', operator: 'not in', values: [1, 2, 3] }])).total).toBe(97);
    expect((await find([{ parameter: 'JobID', operator: 'not in', values: [1, 2, 5873] }])).total).toBe(98);
  });

  it('matches nothing for an empty in and everything for an empty not in', async () => {
    expect((await find([{ parameter: 'Owner', operator: 'in', values: [] }])).total).toBe(0);
    expect((await find([{ parameter: 'Owner', operator: 'not in', values: [] }])).total).toBe(100);
  });

  it('ANDs every filter, on different and on the same parameter', async () => {
    const owner4 = [{ parameter: 'Owner', operator: 'eq', value: 'owner4' }];
    expect(await ids([...owner4, { parameter: 'JobID', operator: 'in', values: [4, 5, 6] }])).toEqual([5]);
    const contradiction = [
      { parameter: 'JobID', operator: 'eq', value: 70 },
      { parameter: 'JobID', operator: 'in', values: [4, 5, 6] },
    ];
    expect((await find(contradiction)).total).toBe(0);
  });

  it('applies like and not like with the user wildcards % and _', async () => {
    expect((await find([{ parameter: 'Owner', operator: 'not like', value: 'owner1%' }])).total).toBe(89);
    expect((await find([{ parameter: 'OwnerGroup', operator: 'not like', value: 'owner_group2' }])).total).toBe(50);
    expect((await find([{ parameter: 'Owner', operator: 'like', value: 'owner9_' }])).total).toBe(10);
  });

  it('compares text lexicographically with gt and lt', async () => {
    const rows = (await find([{ parameter: 'Owner', operator: 'gt', value: 'owner97' }])).rows;
    expect(rows.map((r) => r.Owner)).toEqual(['owner98', 'owner99']);
    expect((await find([{ parameter: 'Owner', operator: 'lt', value: 'owner1' }])).total).toBe(1);
  });

  it('compares text case-sensitively (PostgreSQL collation; DiracX on MySQL folds case)', async () => {
    // DiracX's MySQL tables compare text without case (their collation): docs/architecture.md,
    // "Two SQL dialects", Known limits.
    const folds = TEST_DRIVER === 'mariadb';
    expect((await find([{ parameter: 'Owner', operator: 'eq', value: 'OWNER1' }])).total).toBe(folds ? 1 : 0);
    expect((await find([{ parameter: 'Owner', operator: 'like', value: 'OWNER%' }])).total).toBe(folds ? 100 : 0);
    expect((await find([{ parameter: 'Owner', operator: 'regex', value: '^OWNER' }])).total).toBe(folds ? 100 : 0);
    expect((await find([{ parameter: 'Owner', operator: 'eq', value: 'owner1' }])).total).toBe(1);
  });

  it('applies regex with search semantics, in PostgreSQL syntax', async () => {
    expect((await find([{ parameter: 'Owner', operator: 'regex', value: '^owner\\d+$' }])).total).toBe(100);
    // owner0..owner3 and owner10..owner39: DiracX's own count.
    expect((await find([{ parameter: 'Owner', operator: 'regex', value: 'owner[0-3]+' }])).total).toBe(34);
    // An ARE embedded option, which JavaScript's RegExp would refuse: case-insensitive match.
    expect(await ids([{ parameter: 'Owner', operator: 'regex', value: '(?i)^OWNER7$' }])).toEqual([8]);
  });

  it('refuses an invalid regex with DiracX message, without aborting the caller transaction', async () => {
    await expectInvalid(find([{ parameter: 'Owner', operator: 'regex', value: 'owner[1-' }]), 'Invalid regex owner[1-');
    const total = await t.database.transaction(async (tx) => {
      await expectInvalid(
        searchJobs(tx, searchBody({ search: [{ parameter: 'Owner', operator: 'regex', value: '(' }] }), 1, 10),
        'Invalid regex (',
      );
      return (await searchJobs(tx, searchBody(), 1, 10)).total;
    });
    expect(total).toBe(100);
  });

  it('matches integer columns as text with like and regex, as MySQL does', async () => {
    expect(await ids([{ parameter: 'JobID', operator: 'like', value: '1_' }])).toEqual([
      10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ]);
    expect((await find([{ parameter: 'JobID', operator: 'regex', value: '^9' }])).total).toBe(11);
  });

  it('accepts integer strings for integer columns, as sent by the DiracX CLI', async () => {
    expect(await ids([{ parameter: 'JobID', operator: 'eq', value: '3' }])).toEqual([3]);
    expect(await ids([{ parameter: 'JobID', operator: 'in', values: ['1', '2'] }])).toEqual([1, 2]);
  });

  it('refuses values of the wrong type, naming the parameter', async () => {
    await expectInvalid(
      find([{ parameter: 'JobID', operator: 'eq', value: 'abc' }]),
      "Invalid value for parameter JobID: expected a 32-bit integer, got 'abc'",
    );
    await expectInvalid(
      find([{ parameter: 'UserPriority', operator: 'gt', value: 99_999_999_999 }]),
      'Invalid value for parameter UserPriority: expected a 32-bit integer, got 99999999999',
    );
    await expectInvalid(
      find([{ parameter: 'JobID', operator: 'not in', values: ['1', 'x'] }]),
      "Invalid value for parameter JobID: expected a 32-bit integer, got 'x'",
    );
    await expectInvalid(
      find([{ parameter: 'Owner', operator: 'eq', value: true }]),
      'Invalid value for parameter Owner: expected a string, got True',
    );
    await expectInvalid(
      find([{ parameter: 'Owner', operator: 'like', value: 'a\u0000' }]),
      "Invalid value for parameter Owner: expected a pattern string without NUL characters, got 'a\\x00'",
    );
  });

  it('refuses an unknown search parameter with DiracX message', async () => {
    await expectInvalid(find([{ parameter: 'Dummy', operator: 'eq', value: 1 }]), 'Unknown column Dummy');
    await expectInvalid(find([{ parameter: 'constructor', operator: 'eq', value: 1 }]), 'Unknown column constructor');
    await expectInvalid(find([{ parameter: '__proto__', operator: 'in', values: [] }]), 'Unknown column __proto__');
  });

  it('treats SQL-injection-shaped values as data', async () => {
    const payload = `'; drop table "Jobs"; --`;
    for (const operator of ['eq', 'like', 'not like', 'neq']) {
      const { total } = await find([{ parameter: 'Owner', operator, value: payload }]);
      expect(total).toBe(operator.startsWith('n') ? 100 : 0);
    }
    expect((await find([{ parameter: 'Owner', operator: 'in', values: [payload, 'owner1'] }])).total).toBe(1);
    await expectInvalid(
      find([{ parameter: 'Owner', operator: 'regex', value: `x'); ${payload}` }]),
      `Invalid regex x'); ${payload}`,
    );
    expect(await countJobs(t.database)).toBe(100);
  });

  it('treats injection-shaped parameter names as unknown columns', async () => {
    const name = `Owner" = 'x' or 1=1 --`;
    await expectInvalid(find([{ parameter: name, operator: 'eq', value: 'x' }]), `Unknown column ${name}`);
  });

  it('matches a trailing backslash in a like pattern literally instead of failing', async () => {
    expect((await find([{ parameter: 'Owner', operator: 'like', value: 'owner1\\' }])).total).toBe(0);
    expect((await find([{ parameter: 'Owner', operator: 'not like', value: '%\\' }])).total).toBe(100);
  });
});
