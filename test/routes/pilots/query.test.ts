/**
 * Pilot search and summary through the pilot routes, as DiracX's `tests/pilots/test_query.py`
 * exercises them: filters, Content-Range paging in `pilots`, grouping, the `JobID`
 * pseudo-parameter and its refusals, numeric `BenchMark` filters and the 400s of the DSL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { PILOT_STATUSES } from '../../../src/logic/pilots/models.ts';
import { createPilotsTestApp, type PilotsTestApp } from './app.ts';

const N = 20;
const STAMPS = Array.from({ length: N }, (_, i) => `stamp_${i + 1}`);

let t: PilotsTestApp;
beforeAll(async () => {
  t = await createPilotsTestApp();
  await t.register('lhcb', STAMPS);
  const updates = Object.fromEntries(
    STAMPS.map((stamp, i) => [
      stamp,
      { BenchMark: i, Status: PILOT_STATUSES[i % PILOT_STATUSES.length], Queue: `queue_${i}` },
    ]),
  );
  expect((await t.call('admin', 'PATCH', '/api/pilots/metadata', updates)).status).toBe(204);
  await t.assign('stamp_1', [100]);
  await t.assign('stamp_2', [100]);
  await t.assign('stamp_3', [200]);
  await t.assign('stamp_4', [300]);
  await t.assign('stamp_5', [301]);
});
afterAll(() => t.dispose());

type Row = Record<string, unknown>;
const search = (body: unknown, query = '') => t.call('user', 'POST', `/api/pilots/search${query}`, body);
const stampsOf = (body: unknown): string[] => (body as Row[]).map((r) => String(r.PilotStamp)).sort();

describe('POST /api/pilots/search', () => {
  it("returns every pilot of the caller's VO with all DiracX columns in order, without a body", async () => {
    const res = await t.call('user', 'POST', '/api/pilots/search');
    expect(res.status).toBe(200);
    const rows = res.body as Row[];
    expect(rows).toHaveLength(N);
    expect(Object.keys(rows[0]!)).toEqual([
      'PilotID',
      'InitialJobID',
      'CurrentJobID',
      'PilotJobReference',
      'PilotStamp',
      'DestinationSite',
      'Queue',
      'GridSite',
      'VO',
      'GridType',
      'BenchMark',
      'SubmissionTime',
      'LastUpdateTime',
      'Status',
      'StatusReason',
      'AccountingSent',
    ]);
  });

  it('treats a null body as every default', async () => {
    expect((await search(null)).body as Row[]).toHaveLength(N);
  });

  it('filters, selects and sorts', async () => {
    const res = await search({
      parameters: ['PilotStamp', 'Status'],
      search: [{ parameter: 'Status', operator: 'eq', value: 'Waiting' }],
      sort: [{ parameter: 'PilotStamp', direction: 'desc' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { PilotStamp: 'stamp_2', Status: 'Waiting' },
      { PilotStamp: 'stamp_18', Status: 'Waiting' },
      { PilotStamp: 'stamp_10', Status: 'Waiting' },
    ]);
  });

  it('compares BenchMark numerically, with numbers or numeric strings', async () => {
    const res = await search({
      parameters: ['BenchMark'],
      search: [{ parameter: 'BenchMark', operator: 'gt', value: '16.5' }],
      sort: [{ parameter: 'BenchMark', direction: 'asc' }],
    });
    expect(res.body).toEqual([{ BenchMark: 17 }, { BenchMark: 18 }, { BenchMark: 19 }]);
    const inList = await search({
      parameters: ['PilotStamp'],
      search: [{ parameter: 'BenchMark', operator: 'in', values: [0, 2] }],
    });
    expect(stampsOf(inList.body)).toEqual(['stamp_1', 'stamp_3']);
  });

  it('pages with 206 and a Content-Range in pilots', async () => {
    const res = await search({}, '?per_page=5&page=2');
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`pilots 5-9/${N}`);
    expect((res.body as Row[]).map((r) => r.PilotStamp)).toEqual([
      'stamp_6',
      'stamp_7',
      'stamp_8',
      'stamp_9',
      'stamp_10',
    ]);
  });

  it('answers 416 with the total past the last page', async () => {
    const res = await search({}, '?per_page=10&page=3');
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`pilots */${N}`);
    expect(res.body).toEqual([]);
  });

  it('answers 422 to a per_page above 10000', async () => {
    expect((await search({}, '?per_page=10001')).status).toBe(422);
  });

  it.each([
    ['an unknown column', { search: [{ parameter: 'Owner', operator: 'eq', value: 'x' }] }, 'Unknown column Owner'],
    ['an unknown parameter', { parameters: ['Owner'] }, "Unrecognised parameters requested {'Owner'}"],
    [
      'a pattern on BenchMark',
      { search: [{ parameter: 'BenchMark', operator: 'like', value: '1%' }] },
      "Operator 'like' is not supported for parameter BenchMark",
    ],
    [
      'a non-number BenchMark',
      { search: [{ parameter: 'BenchMark', operator: 'eq', value: 'fast' }] },
      "Invalid value for parameter BenchMark: expected a number, got 'fast'",
    ],
  ])('answers 400 to %s', async (_name, body, detail) => {
    const res = await search(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail });
  });
});

describe('the JobID pseudo-parameter', () => {
  it('finds the pilots that ran a job with eq', async () => {
    const res = await search({
      parameters: ['PilotStamp'],
      search: [{ parameter: 'JobID', operator: 'eq', value: 100 }],
    });
    expect(res.status).toBe(200);
    expect(stampsOf(res.body)).toEqual(['stamp_1', 'stamp_2']);
  });

  it('finds the union of pilots with in, integer strings included', async () => {
    const res = await search({
      parameters: ['PilotStamp'],
      search: [{ parameter: 'JobID', operator: 'in', values: ['300', '301'] }],
    });
    expect(stampsOf(res.body)).toEqual(['stamp_4', 'stamp_5']);
  });

  it('combines with the other filters and pages over the pilots found', async () => {
    const res = await search(
      {
        parameters: ['PilotStamp'],
        search: [
          { parameter: 'JobID', operator: 'in', values: [100, 200] },
          { parameter: 'Status', operator: 'neq', value: 'Waiting' },
        ],
      },
      '?per_page=1',
    );
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('pilots 0-0/2');
  });

  it('answers an empty 200 for a job no pilot ran', async () => {
    const res = await search({ search: [{ parameter: 'JobID', operator: 'eq', value: 999999 }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    expect((await search({ search: [{ parameter: 'JobID', operator: 'eq', value: 99999999999 }] })).body).toEqual([]);
  });

  it.each([
    [
      'neq',
      { parameter: 'JobID', operator: 'neq', value: 1 },
      "Operator 'neq' is not supported on the 'JobID' pseudo-parameter; use 'eq' or 'in'.",
    ],
    [
      'a non-numeric value',
      { parameter: 'JobID', operator: 'eq', value: 'abc' },
      "'JobID' pseudo-parameter values must be integers.",
    ],
    [
      'a boolean value',
      { parameter: 'JobID', operator: 'eq', value: true },
      "'JobID' pseudo-parameter values must be integers.",
    ],
  ])('answers 400 to %s', async (_name, filter, detail) => {
    const res = await search({ search: [filter] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail });
  });

  it('refuses a JobID filter next to a PilotID one', async () => {
    const res = await search({
      search: [
        { parameter: 'JobID', operator: 'eq', value: 100 },
        { parameter: 'PilotID', operator: 'eq', value: 1 },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      detail: "Cannot combine 'JobID' pseudo-parameter with a real 'PilotID' filter in the same request.",
    });
  });

  it('still validates the rest of the request when no pilot ran the job (DiracX answers an empty 200)', async () => {
    const res = await search({
      search: [
        { parameter: 'JobID', operator: 'eq', value: 999999 },
        { parameter: 'Owner', operator: 'eq', value: 'x' },
      ],
    });
    expect(res.status).toBe(400);
  });
});

describe('POST /api/pilots/summary', () => {
  it('counts the pilots per status', async () => {
    const res = await t.call('user', 'POST', '/api/pilots/summary', { grouping: ['Status'] });
    expect(res.status).toBe(200);
    const counts = Object.fromEntries((res.body as Row[]).map((r) => [r.Status, r.count]));
    expect(counts).toEqual({
      Submitted: 3,
      Waiting: 3,
      Running: 3,
      Done: 3,
      Failed: 2,
      Deleted: 2,
      Aborted: 2,
      Unknown: 2,
    });
  });

  it('applies the search filters', async () => {
    const res = await t.call('user', 'POST', '/api/pilots/summary', {
      grouping: ['VO'],
      search: [{ parameter: 'BenchMark', operator: 'lt', value: 5 }],
    });
    expect(res.body).toEqual([{ VO: 'lhcb', count: 5 }]);
  });

  it('treats JobID as an unknown column, as DiracX does', async () => {
    const res = await t.call('user', 'POST', '/api/pilots/summary', {
      grouping: ['VO'],
      search: [{ parameter: 'JobID', operator: 'eq', value: 100 }],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Unknown column JobID' });
  });

  it('answers 422 without grouping', async () => {
    expect((await t.call('user', 'POST', '/api/pilots/summary', {})).status).toBe(422);
  });
});
