/**
 * Pilot search and summary on DiracX's PilotAgentsDB on MariaDB, answer for answer against DiracX
 * 0.7.0's own (its pilots logic over `PilotAgentsDB.search`/`summary`, run by `diracx-search.py`
 * on the same databases): operators on text, integer, floating-point and datetime columns, sort
 * and paging, distinct, the VO scope, our "pilots that ran these jobs" scope against DiracX's
 * `JobID` pseudo-parameter, `AccountingSent` stored as DiracX's `EnumBackedBool`, and DiracX's
 * 400s. Needs MariaDB and DiracX's venv with aiomysql; skips without them unless
 * DIRACX_REQUIRE_MARIADB_TESTS=1 / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { searchPilots, summarisePilots } from '../../../src/db/mysql/pilots-search.ts';
import type { PilotSearchScope } from '../../../src/db/search/pilots.ts';
import { SearchParams, SummaryParams } from '../../../src/logic/jobs/search-params.ts';
import {
  createMysqlTestDatabase,
  diracxOnMariadb,
  type MysqlTestDatabase,
  stopDiracxScripts,
} from '../../harness/mariadb.ts';
import { type Answer, BAD_QUERY, diracxAnswers, type OracleQuery, ourAnswer, unordered } from './search-oracle.ts';

const shared = await diracxOnMariadb();

const at = (iso: string): Date => new Date(`${iso}Z`);

const PILOTS = [
  { pilotId: 1, pilotStamp: 's1', vo: 'lhcb', gridType: 'ARC', status: 'Running', benchMark: 12.5, sent: 'True' },
  { pilotId: 2, pilotStamp: 's2', vo: 'lhcb', gridType: 'HTCondorCE', status: 'Done', benchMark: 1.25, sent: 'False' },
  { pilotId: 3, pilotStamp: 's3', vo: 'lhcb', gridType: 'ARC', status: 'Failed', benchMark: 0, sent: 'True' },
  { pilotId: 4, pilotStamp: 's4', vo: 'gridpp', gridType: 'SSH', status: 'Running', benchMark: 7, sent: 'False' },
  { pilotId: 5, pilotStamp: 's5', vo: 'lhcb', gridType: 'DIRAC', status: 'Submitted', benchMark: 2, sent: 'False' },
] as const;

const SUBMITTED = ['2024-05-01T10:00:00', '2024-05-01T10:00:01', '2024-05-02T00:00:00', '2024-06-01T00:00:00', null];

/** Which pilot ran which jobs. */
const MAPPING: [number, number][] = [
  [1, 10],
  [1, 11],
  [2, 11],
  [4, 12],
];

const pilots = (body: Record<string, unknown>, extra: Partial<OracleQuery> = {}): OracleQuery => ({
  table: 'pilots',
  kind: 'search',
  body,
  ...extra,
});
const summary = (body: Record<string, unknown>, extra: Partial<OracleQuery> = {}): OracleQuery => ({
  table: 'pilots',
  kind: 'summary',
  body,
  ...extra,
});
const byId = { sort: [{ parameter: 'PilotID', direction: 'asc' }] };
const f = (parameter: string, operator: string, value: unknown) => ({ parameter, operator, value });
const v = (parameter: string, operator: string, values: unknown[]) => ({ parameter, operator, values });
const where = (search: unknown[], more: Record<string, unknown> = {}) => ({ search, ...more });

/**
 * Queries both sides must answer alike; `ordered` when the query fixes the order of its rows.
 * `ranJobIds`: our scope for the jobs DiracX's `JobID` pseudo-filter in `q` names.
 */
const CASES: Record<string, { q: OracleQuery; ordered: boolean; ranJobIds?: number[] }> = {
  'every pilot, every column': { q: pilots(byId), ordered: true },
  eq: { q: pilots(where([f('Status', 'eq', 'running')], byId)), ordered: true },
  neq: { q: pilots(where([f('GridType', 'neq', 'ARC')], byId)), ordered: true },
  'gt on a float': { q: pilots(where([f('BenchMark', 'gt', 2)], byId)), ordered: true },
  'lt on a float, given as text': { q: pilots(where([f('BenchMark', 'lt', '2.5')], byId)), ordered: true },
  'in on a float': { q: pilots(where([v('BenchMark', 'in', [0, 7])], byId)), ordered: true },
  'not in': { q: pilots(where([v('GridType', 'not in', ['ARC', 'SSH'])], byId)), ordered: true },
  like: { q: pilots(where([f('GridType', 'like', 'HT%CE')], byId)), ordered: true },
  'not like': { q: pilots(where([f('PilotStamp', 'not like', 's_')], byId)), ordered: true },
  regex: { q: pilots(where([f('Status', 'regex', '^(run|done)')], byId)), ordered: true },
  'regex on an integer column': { q: pilots(where([f('PilotID', 'regex', '[135]')], byId)), ordered: true },
  'datetime eq a day': { q: pilots(where([f('SubmissionTime', 'eq', '2024-05-01')], byId)), ordered: true },
  'datetime gt a second': {
    q: pilots(where([f('SubmissionTime', 'gt', '2024-05-01 10:00:00')], byId)),
    ordered: true,
  },
  'datetime not in months, NULLs left out': {
    q: pilots(where([v('SubmissionTime', 'not in', ['2024-06'])], byId)),
    ordered: true,
  },
  'sorted by a float, paged': {
    q: pilots({ sort: [{ parameter: 'BenchMark', direction: 'desc' }] }, { page: 2, per_page: 2 }),
    ordered: true,
  },
  'chosen columns, distinct': {
    q: pilots({ parameters: ['GridType', 'VO'], distinct: true, sort: [{ parameter: 'GridType', direction: 'asc' }] }),
    ordered: true,
  },
  'AccountingSent as a boolean (PilotAgentsDB.search itself)': {
    q: pilots(where([f('AccountingSent', 'eq', true)], { parameters: ['PilotID', 'AccountingSent'], ...byId }), {
      raw: true,
    }),
    ordered: true,
  },
  'the VO scope': { q: pilots(byId, { vo: 'lhcb' }), ordered: true },
  'the VO scope, no filter widens it': {
    q: pilots(where([f('VO', 'eq', 'gridpp')], byId), { vo: 'lhcb' }),
    ordered: true,
  },
  'the pilots that ran some jobs': {
    q: pilots(where([v('JobID', 'in', [11, 12])], byId), { vo: 'lhcb' }),
    ordered: true,
    ranJobIds: [11, 12],
  },
  'the pilots that ran no job': {
    q: pilots(where([v('JobID', 'in', [99])], byId)),
    ordered: true,
    ranJobIds: [99],
  },
  'summary by status': { q: summary({ grouping: ['Status'] }), ordered: false },
  'summary by flag and grid type, within a VO': {
    q: summary({ grouping: ['AccountingSent', 'GridType'] }, { vo: 'lhcb' }),
    ordered: false,
  },
  'summary filtered by a float': {
    q: summary({ grouping: ['VO'], search: [f('BenchMark', 'gt', 1)] }),
    ordered: false,
  },
  'unknown filter column': { q: pilots(where([f('Nope', 'eq', 1)])), ordered: true },
  'unknown parameter': { q: pilots({ parameters: ['Nope'] }), ordered: true },
  'unknown sort column': { q: pilots({ sort: [{ parameter: 'Nope', direction: 'desc' }] }), ordered: true },
  'invalid regex': { q: pilots(where([f('GridType', 'regex', 'a{2,1}')])), ordered: true },
  'unparsable datetime': { q: pilots(where([f('LastUpdateTime', 'lt', '2024-5-1')])), ordered: true },
};

if (shared.skipReason) {
  describe('pilot search on MariaDB against DiracX', () => {
    it.skip(`answers as DiracX's PilotAgentsDB.search/summary (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('pilot search on MariaDB against DiracX', () => {
    let t: MysqlTestDatabase;
    let theirs = new Map<string, Answer>();

    function ours(q: OracleQuery, ranJobIds: number[] | undefined): Promise<Answer> {
      const { db, tables } = t.database;
      const scope: PilotSearchScope = {
        ...(q.vo === undefined ? {} : { vo: q.vo }),
        ...(ranJobIds === undefined ? {} : { ranJobIds }),
      };
      if (q.kind === 'summary') {
        return ourAnswer(() => summarisePilots(db, tables, SummaryParams.parse(q.body), scope));
      }
      // The JobID pseudo-filter is DiracX's spelling of our scope, not a filter of ours.
      const body = SearchParams.parse(q.body);
      const search = body.search.filter((s) => s.parameter !== 'JobID');
      return ourAnswer(() => searchPilots(db, tables, { ...body, search }, q.page ?? 1, q.per_page ?? 100, scope));
    }

    beforeAll(async () => {
      const python = shared.startDiracxScripts();
      t = await createMysqlTestDatabase();
      const { db, tables } = t.database;
      await db.insert(tables.pilotAgents).values(
        PILOTS.map(({ sent, ...p }, i) => {
          const submitted = SUBMITTED[i];
          return {
            ...p,
            accountingSent: sent,
            pilotJobReference: `https://ce.example/${p.pilotStamp}`,
            submissionTime: submitted ? at(submitted) : null,
            lastUpdateTime: at('2024-07-01T00:00:00'),
          };
        }),
      );
      await db
        .insert(tables.jobToPilotMapping)
        .values(MAPPING.map(([pilotId, jobId]) => ({ pilotId, jobId, startTime: at('2024-05-01T11:00:00') })));
      const queries = Object.fromEntries(Object.entries(CASES).map(([name, c]) => [name, c.q]));
      theirs = await diracxAnswers(python, t, queries);
    }, 120_000);
    afterAll(() => t?.dispose());
    afterAll(stopDiracxScripts);

    for (const [name, { q, ordered, ranJobIds }] of Object.entries(CASES)) {
      it(`answers as DiracX: ${name}`, async () => {
        const expected = theirs.get(name)!;
        const got = await ours(q, ranJobIds);
        expect(ordered ? got : unordered(got)).toEqual(ordered ? expected : unordered(expected));
      });
    }

    it('returns rows and refusals, not only empty pages (the comparisons above can fail)', () => {
      expect(theirs.get('every pilot, every column')).toMatchObject({ total: PILOTS.length });
      expect(theirs.get('the pilots that ran some jobs')).toMatchObject({
        total: 2,
        rows: [{ PilotID: 1 }, { PilotID: 2 }],
      });
      expect(theirs.get('AccountingSent as a boolean (PilotAgentsDB.search itself)')).toEqual({
        total: 2,
        rows: [
          { PilotID: 1, AccountingSent: true },
          { PilotID: 3, AccountingSent: true },
        ],
      });
      expect(theirs.get('invalid regex')).toEqual({ error: BAD_QUERY, message: 'Invalid regex a{2,1}' });
    });
  });
}
