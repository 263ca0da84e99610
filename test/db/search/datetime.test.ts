/**
 * DiracX's partial-datetime search (`test_insert_and_search_by_datetime`): a value names a
 * UTC period at YEAR..SECOND resolution, fractions truncated, `Z` after a fraction accepted,
 * and eq/neq/gt/lt/in/not in become ranges; other operators, mixed resolutions, non-string
 * values and unparsable text are refused with DiracX's messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { searchJobs } from '../../../src/db/jobs-search.ts';
import { parsePeriod } from '../../../src/db/search/datetime.ts';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '../../harness/database.ts';
import { expectInvalid, insertJobs, searchBody } from './seed.ts';

describe('parsePeriod', () => {
  it('derives the resolution and the half-open UTC period of each form', () => {
    expect(parsePeriod('2024')).toEqual({
      resolution: 'YEAR',
      start: '2024-01-01 00:00:00',
      end: '2025-01-01 00:00:00',
    });
    expect(parsePeriod('2024-12')).toMatchObject({ resolution: 'MONTH', end: '2025-01-01 00:00:00' });
    expect(parsePeriod('2024-02-28')).toMatchObject({ resolution: 'DAY', end: '2024-02-29 00:00:00' });
    expect(parsePeriod('2024-12-31T23')).toMatchObject({ resolution: 'HOUR', end: '2025-01-01 00:00:00' });
    expect(parsePeriod('2024-01-01 10:59')).toMatchObject({ resolution: 'MINUTE', end: '2024-01-01 11:00:00' });
    expect(parsePeriod('2024-01-01 10:00:59')).toMatchObject({ resolution: 'SECOND', end: '2024-01-01 10:01:00' });
  });

  it('truncates fractional seconds and accepts Z after them', () => {
    const second = { resolution: 'SECOND' as const, start: '2024-01-01 00:00:00', end: '2024-01-01 00:00:01' };
    expect(parsePeriod('2024-01-01 00:00:00.123456')).toEqual(second);
    expect(parsePeriod('2024-01-01T00:00:00.123456Z')).toEqual(second);
    expect(parsePeriod('2024-01-01 00:00:00.1Z')).toEqual(second);
  });

  it('handles the ends of the calendar without overflowing', () => {
    expect(parsePeriod('0001')).toMatchObject({ start: '0001-01-01 00:00:00' });
    expect(parsePeriod('9999-12-31 23:59:59')).toMatchObject({ end: '10000-01-01 00:00:00' });
  });

  it('refuses what DiracX cannot parse, with its Python-quoted message', () => {
    const refused = [
      ['2024/01/01', "Cannot parse value='2024/01/01'"],
      ['2024-01-01T00:00:00+00:00', "Cannot parse value='2024-01-01T00:00:00+00:00'"],
      // DiracX's pattern only allows Z after a fraction of a second.
      ['2024-01-01T00:00:00Z', "Cannot parse value='2024-01-01T00:00:00Z'"],
      ['2024-01-01 00:00:00.1234567', "Cannot parse value='2024-01-01 00:00:00.1234567'"],
      ['24', "Cannot parse value='24'"],
      ["it's", `Cannot parse value="it's"`],
      // Matched by DiracX's pattern but not a date: a 500 there, a 400 here.
      ['2024-13', "Cannot parse value='2024-13'"],
      ['2023-02-29', "Cannot parse value='2023-02-29'"],
      ['2024-01-01 24', "Cannot parse value='2024-01-01 24'"],
      ['0000', "Cannot parse value='0000'"],
    ];
    for (const [value, message] of refused) {
      let err: unknown;
      try {
        parsePeriod(value!);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'INVALID_INPUT' });
      expect(err).toHaveProperty('message', message);
    }
  });
});

describe(`job search on datetime columns (${TEST_DRIVER})`, () => {
  let t: TestDatabase;
  // A: DiracX's frozen submission time; B: just before 2024; C: mid-February; D: never submitted.
  const A = new Date('2024-01-01T00:00:00.123Z');
  const B = new Date('2023-12-31T23:59:59.999Z');
  const C = new Date('2024-02-15T10:30:00Z');
  let names: Map<number, string>;

  beforeAll(async () => {
    t = await createTestDatabase();
    const ids = await insertJobs(t.database, [
      { vo: 'lhcb', submissionTime: A },
      { vo: 'lhcb', submissionTime: B },
      { vo: 'lhcb', submissionTime: C },
      { vo: 'lhcb', submissionTime: null },
    ]);
    names = new Map(ids.map((id, i) => [id, 'ABCD'[i]!]));
  });
  afterAll(() => t.dispose());

  const which = async (operator: string, value: unknown, key = 'value'): Promise<string> => {
    const body = searchBody({ search: [{ parameter: 'SubmissionTime', operator, [key]: value }] });
    const { rows } = await searchJobs(t.database.session, body, 1, 100);
    return rows.map((r) => names.get(Number(r.JobID))).join('');
  };

  it('replays DiracX datetime ladder', async () => {
    expect(await which('eq', '2024')).toBe('AC');
    expect(await which('lt', '2024')).toBe('B');
    expect(await which('gt', '2024-01')).toBe('C');
    expect(await which('lt', '2024-02')).toBe('AB');
    expect(await which('eq', '2024-01-01')).toBe('A');
    expect(await which('eq', '2024-01-01 00')).toBe('A');
    expect(await which('eq', '2024-01-01T00')).toBe('A');
    expect(await which('neq', '2024-01-01 01')).toBe('ABC');
    expect(await which('gt', '2024-01-01 00:00:00')).toBe('C');
    expect(await which('neq', '2024-01-01 00:00:00')).toBe('BC');
    expect(await which('eq', '2024-01-01 00:00:00')).toBe('A');
    expect(await which('eq', '2024-01-01 00:00:00.123456')).toBe('A');
    expect(await which('eq', '2024-01-01 00:00:00.123456Z')).toBe('A');
    expect(await which('eq', '2024-01-01 00:00:00.999Z')).toBe('A');
    expect(await which('eq', '2023-12-31 23:59')).toBe('B');
    expect(await which('eq', '9999')).toBe('');
  });

  it('ORs the periods of in and ANDs their complements for not in', async () => {
    expect(await which('in', ['2023-12-31', '2024-02-15'], 'values')).toBe('BC');
    expect(await which('not in', ['2023-12-31', '2024-02-15'], 'values')).toBe('A');
    expect(await which('in', [], 'values')).toBe('');
    expect(await which('not in', [], 'values')).toBe('ABCD');
  });

  it('returns datetimes as Date objects in UTC', async () => {
    const { rows } = await searchJobs(
      t.database.session,
      searchBody({ parameters: ['JobID', 'SubmissionTime'] }),
      1,
      100,
    );
    // DiracX's MySQL DATETIMEs keep whole seconds (docs/architecture.md, "Two SQL dialects", Known limits).
    const stored = (d: Date) => (TEST_DRIVER === 'mariadb' ? new Date(Math.floor(d.getTime() / 1000) * 1000) : d);
    expect(rows.map((r) => r.SubmissionTime)).toEqual([stored(A), stored(B), C, null]);
  });

  it('refuses operators other than eq, neq, gt and lt on a partial datetime', async () => {
    for (const operator of ['like', 'not like', 'regex']) {
      await expectInvalid(
        which(operator, '2024'),
        `Operator '${operator}' is not supported for partial datetime values`,
      );
    }
  });

  it('parses the value before looking at the operator, as DiracX', async () => {
    await expectInvalid(which('like', '2024%'), "Cannot parse value='2024%'");
    await expectInvalid(which('in', ['2024', '2024/02'], 'values'), "Cannot parse value='2024/02'");
  });

  it('refuses a vector mixing resolutions with DiracX message', async () => {
    await expectInvalid(
      which('in', ['2023', '2024-02'], 'values'),
      "Cannot mix different time resolutions in query={'parameter': 'SubmissionTime', 'operator': " +
        "<VectorSearchOperator.IN: 'in'>, 'values': ['2023', '2024-02']}",
    );
  });

  it('refuses numbers and booleans for a datetime column', async () => {
    await expectInvalid(
      which('eq', 2024),
      'Invalid value for parameter SubmissionTime: expected a date-time string, got 2024',
    );
    await expectInvalid(
      which('not in', [2024], 'values'),
      'Invalid value for parameter SubmissionTime: expected a date-time string, got 2024',
    );
    await expectInvalid(
      which('lt', false),
      'Invalid value for parameter SubmissionTime: expected a date-time string, got False',
    );
  });
});
