/**
 * `POST /api/jobs/search`, `/api/jobs/summary` and `/api/pilots/search` (the same search engine)
 * on generated bodies and paging query strings (fast-check), through the in-process handler,
 * over jobs of two users of one VO and one of another VO. Any body gets 200/206 or a 4xx with a
 * JSON detail, never a 5xx or database text; every row returned is a visible row of the caller,
 * as stored; and well-formed filters (eq, neq, in, not in, like, gt, lt) return exactly the rows
 * a model of the filter picks from the caller's visible rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import fc from 'fast-check';
import { ConfigStore, createConfigSnapshot } from '../../../src/config/store.ts';
import { DEFAULT_CONFIG_PATH } from '../../../src/config/file-source.ts';
import { registerPilot } from '../../../src/logic/pilots/management.ts';
import { PilotRegistrationParams } from '../../../src/logic/pilots/models.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { INTERNALS } from '../../harness/leaks.ts';
import { runs } from '../../harness/property.ts';
import { PEOPLE } from './harness.ts';

type Row = Record<string, unknown>;
/** The people of the shipped configuration, and bob, a second user of gridpp. */
const WHO = { ...PEOPLE, otherVoPeer: ['gridpp', 'gridpp_user', 'bob'] } as const;
type Who = keyof typeof WHO;
/**
 * Who searches: a user of lhcb (whose users see each other's jobs: GlobalJobsInfo), lhcb's
 * JobAdministrator, a user of gridpp (GlobalJobsInfo off here: own jobs only), gridpp's admin.
 */
type Caller = 'owner' | 'admin' | 'otherVo' | 'otherVoAdmin';
const CALLERS: readonly Caller[] = ['owner', 'admin', 'otherVo', 'otherVoAdmin'];

let app: TestApp;
const tokens = new Map<Who, string>();
/** Every job as stored, by VO (read by each VO's administrator). */
let allJobs: Row[] = [];
const allPilots: Row[] = [];

const NAMES = ['alpha', 'beta', 'o\'q"%_\\', 'é😀', '100%', 'a_b'];
const SITES = ['LCG.CERN.cern', 'ANY', 'LCG.RAL.uk'];

beforeAll(async () => {
  const raw = Bun.YAML.parse(await Bun.file(DEFAULT_CONFIG_PATH).text()) as { Operations: Record<string, unknown> };
  raw.Operations.gridpp = { Services: { JobMonitoring: { GlobalJobsInfo: false } } };
  app = await createTestApp({
    config: new ConfigStore(await createConfigSnapshot(raw, JSON.stringify(raw), new Date())),
  });
  for (const who of [...CALLERS, 'sameGroup', 'otherVoPeer'] as const) {
    const [vo, group, user] = WHO[who];
    tokens.set(who, await app.tokens.tokenFor(vo, group, user));
  }
  expect(seesWholeVo('owner') && !seesWholeVo('otherVo')).toBe(true);
  const seed: [Who, number][] = [
    ['owner', 6],
    ['sameGroup', 4],
    ['otherVo', 4],
    ['otherVoPeer', 3],
  ];
  for (const [who, n] of seed) {
    const jdls = Array.from(
      { length: n },
      (_, i) =>
        `[Executable = "x"; JobName = ${JSON.stringify(NAMES[i % NAMES.length])}; Site = ` +
        `"${SITES[i % SITES.length]}"; JobGroup = "g${i % 2}"; Priority = ${i};]`,
    );
    const res = await send(who, '/api/jobs/jdl', JSON.stringify(jdls));
    if (res.status !== 201) throw new Error(`seeding as ${who}: ${res.status} ${res.text}`);
  }
  const ctx = { database: app.database, config: app.config.current().config, now: () => new Date() };
  for (const [stamp, vo] of [
    ['p-lhcb-1', 'lhcb'],
    ['p-lhcb-2', 'lhcb'],
    ['p-gridpp-1', 'gridpp'],
  ] as const) {
    await registerPilot(
      ctx,
      PilotRegistrationParams.parse({ pilot_stamp: stamp, vo, destination_site: `site-${stamp}` }),
    );
  }
  for (const token of [tokens.get('admin')!, tokens.get('otherVoAdmin')!]) {
    allJobs.push(...(await asJson(await app.fetch('/api/jobs/search?per_page=10000', post(token, '{}')))));
    allPilots.push(...(await asJson(await app.fetch('/api/pilots/search?per_page=10000', post(token, '{}')))));
  }
  allJobs = allJobs.sort((a, b) => Number(a.JobID) - Number(b.JobID));
});
afterAll(() => app.dispose());

function post(token: string, body: string | undefined): RequestInit {
  return { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body };
}

async function asJson(res: Response): Promise<Row[]> {
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as Row[];
}

async function send(who: Who, path: string, body: string | undefined): Promise<{ status: number; text: string }> {
  const res = await app.fetch(path, post(tokens.get(who)!, body));
  return { status: res.status, text: await res.text() };
}

/** Whether `who` sees every job of their VO: a JobAdministrator, or any user where GlobalJobsInfo is on. */
function seesWholeVo(who: Caller): boolean {
  const vo = WHO[who][0];
  return (
    who === 'admin' ||
    who === 'otherVoAdmin' ||
    app.config.current().config.Operations[vo]!.Services.JobMonitoring.GlobalJobsInfo
  );
}

/** The jobs `who` may see: their VO's, or only their own (DiracX's rule, plus our VO boundary). */
function visibleJobs(who: Caller): Row[] {
  const [vo, , user] = WHO[who];
  return allJobs.filter((j) => j.VO === vo && (seesWholeVo(who) || j.Owner === user));
}

const visiblePilots = (who: Caller): Row[] => allPilots.filter((p) => p.VO === WHO[who][0]);

const serverFaults = (from: number): Row[] => app.logs.slice(from).filter((l) => l.level === 'error');

/** The contract every answer keeps; returns the rows of a 200/206. */
async function checkedCall(who: Caller, path: string, body: string | undefined): Promise<Row[] | undefined> {
  const before = app.logs.length;
  const res = await send(who, path, body);
  expect(res.text).not.toMatch(INTERNALS);
  expect(serverFaults(before)).toEqual([]);
  if (res.status === 200 || res.status === 206) return JSON.parse(res.text) as Row[];
  // DiracX's answer to a page past the end: 416 with an empty list (and Content-Range).
  if (res.status === 416) {
    expect(JSON.parse(res.text)).toEqual([]);
    return undefined;
  }
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect((JSON.parse(res.text) as { detail?: unknown }).detail).toBeDefined();
  return undefined;
}

/** Raw JSON spliced into a body after JSON.stringify: numbers JSON.stringify cannot write. */
const RAW = fc.constantFrom(
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '1.5',
  '-0',
  '1E2',
);
const rawMark = (raw: string): string => `__RAW:${raw}__`;
const splice = (json: string): string => json.replace(/"__RAW:([^"]*)__"/g, '$1');

const TRICKY_STRING = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    ...NAMES,
    ...SITES,
    "'",
    '"',
    '\\',
    '%',
    '_',
    '\u0000',
    'a\u0000',
    '\'; drop table "Jobs"; --',
    '[',
    '(',
    '(?i)',
    '*',
    '\\d+',
    '2024',
    '2024-13',
    '2024-01-01 12:30:00.123Z',
    'True',
    'Failed',
    '',
  ),
);
const ANY_VALUE: fc.Arbitrary<unknown> = fc.oneof(
  TRICKY_STRING,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  RAW.map(rawMark),
  fc.constantFrom(1e308, -1e308, 2 ** 31, 2 ** 53 + 2, 0.1),
  fc.jsonValue({ maxDepth: 2 }),
);
const SCALAR_OPERATOR = fc.constantFrom('eq', 'neq', 'gt', 'lt', 'like', 'not like', 'regex');
const VECTOR_OPERATOR = fc.constantFrom('in', 'not in');
const ANY_OPERATOR = fc.oneof(
  SCALAR_OPERATOR,
  VECTOR_OPERATOR,
  fc.constantFrom('EQ', 'contains', '', 'in ', '=', '$where', 'not_in', 'ilike', 'between'),
  fc.string({ maxLength: 6 }),
);
/** A scalar as the wire schema takes it (string, integer, boolean), edge values included. */
const WIRE_SCALAR = fc.oneof(
  { arbitrary: TRICKY_STRING, weight: 3 },
  { arbitrary: fc.integer(), weight: 1 },
  {
    arbitrary: fc.constantFrom(0, -1, 2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
    weight: 1,
  },
  { arbitrary: fc.boolean(), weight: 1 },
);

/** Search bodies over `columns`: mostly well-typed (so they reach the engine), sometimes anything. */
function searchBodies(columns: readonly string[]): fc.Arbitrary<string | undefined> {
  const parameter = fc.oneof(
    { arbitrary: fc.constantFrom(...columns), weight: 6 },
    {
      arbitrary: fc.constantFrom(
        'LoggingInfo',
        'PilotStamp',
        'JobID',
        '__proto__',
        'constructor',
        'jobId',
        'Jobs.JobID',
        '"JobID"',
        'VO; --',
      ),
      weight: 1,
    },
    { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
  );
  const spec = fc.oneof(
    { arbitrary: fc.record({ parameter, operator: SCALAR_OPERATOR, value: WIRE_SCALAR }), weight: 6 },
    {
      arbitrary: fc.record({
        parameter,
        operator: VECTOR_OPERATOR,
        values: fc.oneof(
          fc.array(TRICKY_STRING, { maxLength: 4 }),
          fc.array(fc.integer(), { maxLength: 4 }),
          fc.array(fc.boolean(), { maxLength: 2 }),
        ),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record(
        {
          parameter,
          operator: ANY_OPERATOR,
          value: ANY_VALUE,
          values: fc.oneof(fc.array(ANY_VALUE, { maxLength: 3 }), ANY_VALUE),
        },
        { requiredKeys: [] },
      ),
      weight: 1,
    },
    { arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), ANY_VALUE, { maxKeys: 3 }), weight: 1 },
  );
  const sort = fc.oneof(
    { arbitrary: fc.record({ parameter, direction: fc.constantFrom('asc', 'desc') }), weight: 4 },
    {
      arbitrary: fc.record(
        { parameter, direction: fc.oneof(fc.string({ maxLength: 4 }), ANY_VALUE) },
        { requiredKeys: ['parameter'] },
      ),
      weight: 1,
    },
  );
  const sometimes = <T>(usual: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> =>
    fc.oneof({ arbitrary: usual, weight: 8 }, { arbitrary: ANY_VALUE, weight: 1 });
  const body = fc.record(
    {
      parameters: sometimes(fc.oneof(fc.constant(null), fc.array(parameter, { maxLength: 4 }))),
      search: sometimes(fc.array(spec, { maxLength: 3 })),
      sort: sometimes(fc.array(sort, { maxLength: 2 })),
      distinct: sometimes(fc.boolean()),
      grouping: sometimes(fc.array(parameter, { maxLength: 3 })),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { arbitrary: body.map((b) => splice(JSON.stringify(b))), weight: 12 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        undefined,
        '',
        'null',
        '{',
        '[]',
        '{"search": [{"parameter": "JobID", "operator": "eq", "value": 1e400}]}',
      ),
      weight: 1,
    },
  );
}

const ODD_PAGE = fc.oneof(
  fc.integer({ min: -3, max: 5 }),
  fc.constantFrom(
    '0',
    '-1',
    '1e3',
    '1.5',
    'abc',
    '',
    '99999999999999999999',
    '10001',
    '10000',
    ' 2',
    '0x10',
    'NaN',
    'Infinity',
  ),
);
const PAGE_VALUE = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 6 },
  { arbitrary: ODD_PAGE, weight: 1 },
);
/** `?page=&per_page=`: mostly absent or valid (so the body is what is tested), sometimes odd or repeated. */
const QUERY = fc
  .record(
    {
      page: PAGE_VALUE,
      per_page: PAGE_VALUE,
      repeat: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }),
    },
    { requiredKeys: ['repeat'] },
  )
  .map(({ page, per_page: perPage, repeat }) => {
    const q = new URLSearchParams();
    if (page !== undefined) q.append('page', String(page));
    if (perPage !== undefined) q.append('per_page', String(perPage));
    if (repeat) q.append('page', '2');
    const text = q.toString();
    return text ? `?${text}` : '';
  });

const JOB_COLUMNS = [
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
const PILOT_COLUMNS = [
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
];

/** Each row is the stored row of a visible item, restricted to the columns returned. */
function expectVisibleRows(rows: Row[], visible: Row[], key: string, vo: string): void {
  for (const row of rows) {
    if ('VO' in row) expect(row.VO).toBe(vo);
    if (!(key in row)) continue;
    const stored = visible.find((v) => v[key] === row[key]);
    expect(stored).toBeDefined();
    for (const [column, value] of Object.entries(row))
      if (column !== 'LoggingInfo') expect(value).toEqual(stored![column]);
  }
}

// Each property runs its count of cases; one that has not finished them in 25 s fails.
const RUNS = runs(120, 25_000);

describe('POST /api/jobs/search on generated bodies', () => {
  it("answers 200/206 or a 4xx, never a 5xx or database text, and only with the caller's visible jobs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLERS), searchBodies(JOB_COLUMNS), QUERY, async (who, body, query) => {
        const rows = await checkedCall(who, `/api/jobs/search${query}`, body);
        if (!rows) return;
        const visible = visibleJobs(who);
        expect(rows.length).toBeLessThanOrEqual(visible.length);
        expectVisibleRows(rows, visible, 'JobID', WHO[who][0]);
        if (!seesWholeVo(who)) for (const row of rows) if ('Owner' in row) expect(row.Owner).toBe(WHO[who][2]);
      }),
      RUNS,
    );
  });
});

describe('POST /api/jobs/summary on generated bodies', () => {
  it("answers 200 or a 4xx, never a 5xx or database text, and counts only the caller's visible jobs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLERS), searchBodies(JOB_COLUMNS), async (who, body) => {
        const rows = await checkedCall(who, '/api/jobs/summary', body);
        if (!rows) return;
        const visible = visibleJobs(who);
        const total = rows.reduce((n, row) => n + Number(row.count), 0);
        expect(total).toBeLessThanOrEqual(visible.length);
        for (const row of rows) {
          if ('VO' in row) expect(row.VO).toBe(WHO[who][0]);
          if ('JobID' in row) expect(visible.map((j) => j.JobID)).toContain(row.JobID);
          if ('Owner' in row && !seesWholeVo(who)) expect(row.Owner).toBe(WHO[who][2]);
        }
      }),
      RUNS,
    );
  });
});

describe('POST /api/pilots/search on generated bodies', () => {
  it("answers 200/206 or a 4xx, never a 5xx or database text, and only with pilots of the caller's VO", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLERS), searchBodies(PILOT_COLUMNS), QUERY, async (who, body, query) => {
        const rows = await checkedCall(who, `/api/pilots/search${query}`, body);
        if (rows) expectVisibleRows(rows, visiblePilots(who), 'PilotID', WHO[who][0]);
      }),
      RUNS,
    );
  });
});

/* A model of the filters, to compare the rows returned with the rows that should match. */

type Filter =
  | { parameter: string; operator: 'eq' | 'neq' | 'like' | 'not like' | 'gt' | 'lt'; value: string | number }
  | { parameter: string; operator: 'in' | 'not in'; values: (string | number)[] };

/** PostgreSQL's LIKE with its default escape `\` (a trailing lone `\` is matched literally, as the engine does). */
function likeToRegExp(pattern: string): RegExp {
  let out = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') out += (chars[++i] ?? '\\').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'su');
}

function matches(job: Row, filter: Filter): boolean {
  const cell = job[filter.parameter] as string | number;
  switch (filter.operator) {
    case 'eq':
      return cell === filter.value;
    case 'neq':
      return cell !== filter.value;
    case 'gt':
      return cell > filter.value;
    case 'lt':
      return cell < filter.value;
    case 'like':
      return likeToRegExp(String(filter.value)).test(String(cell));
    case 'not like':
      return !likeToRegExp(String(filter.value)).test(String(cell));
    case 'in':
      return filter.values.includes(cell);
    case 'not in':
      return !filter.values.includes(cell);
  }
}

const STRING_COLUMNS = ['JobName', 'Site', 'JobGroup', 'Owner', 'OwnerGroup', 'VO', 'Status', 'JobType', 'MinorStatus'];
const INT_COLUMNS = ['JobID', 'UserPriority', 'RescheduleCounter'];

/** Well-formed filters whose values are mostly stored values (so that they select something). */
const MODEL_FILTER: fc.Arbitrary<Filter> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...STRING_COLUMNS),
      fc.constantFrom<'eq' | 'neq' | 'like' | 'not like'>('eq', 'neq', 'like', 'not like'),
      fc.oneof(
        fc.constantFrom(
          ...NAMES,
          ...SITES,
          'chaen',
          'alice',
          'albdr',
          'lhcb',
          'gridpp',
          'g0',
          'Received',
          '%',
          '_',
          'a%',
          '%a%',
          '_l%',
          'LCG.%',
          '%\\%',
          '%\\_%',
          'g_',
          '\\',
        ),
        fc.string({ maxLength: 3 }),
      ),
    )
    .map(([parameter, operator, value]): Filter => ({ parameter, operator, value })),
  fc
    .tuple(
      fc.constantFrom(...STRING_COLUMNS),
      fc.constantFrom<'in' | 'not in'>('in', 'not in'),
      fc.array(fc.constantFrom(...NAMES, ...SITES, 'chaen', 'lhcb', 'g1', 'x'), { maxLength: 3 }),
    )
    .map(([parameter, operator, values]): Filter => ({ parameter, operator, values })),
  fc
    .tuple(
      fc.constantFrom(...INT_COLUMNS),
      fc.constantFrom<'eq' | 'neq' | 'gt' | 'lt'>('eq', 'neq', 'gt', 'lt'),
      fc.integer({ min: -1, max: 20 }),
    )
    .map(([parameter, operator, value]): Filter => ({ parameter, operator, value })),
  fc
    .tuple(
      fc.constantFrom(...INT_COLUMNS),
      fc.constantFrom<'in' | 'not in'>('in', 'not in'),
      fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 4 }),
    )
    .map(([parameter, operator, values]): Filter => ({ parameter, operator, values })),
);

describe('search and summary filters against a model', () => {
  it('return exactly the visible jobs the filters select', async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CALLERS),
        fc.array(MODEL_FILTER, { minLength: 1, maxLength: 2 }),
        async (who, search) => {
          const expected = visibleJobs(who).filter((job) => search.every((f) => matches(job, f)));
          if (expected.length > 0) nonEmpty++;
          const rows = await checkedCall(
            who,
            '/api/jobs/search?per_page=10000',
            JSON.stringify({ search, sort: [{ parameter: 'JobID', direction: 'asc' }] }),
          );
          expect(rows).toEqual(expected);
          const column = search[0]!.parameter;
          const summary = await checkedCall(who, '/api/jobs/summary', JSON.stringify({ grouping: [column], search }));
          const counts = new Map<unknown, number>();
          for (const job of expected) counts.set(job[column], (counts.get(job[column]) ?? 0) + 1);
          expect(new Map(summary!.map((row) => [row[column], row.count]))).toEqual(counts);
        },
      ),
      runs(100, 25_000),
    );
    // The filters select something often enough for the property to mean something.
    expect(nonEmpty).toBeGreaterThan(10);
  });
});
