/**
 * Pilot search and summary in the logic layer: the VO scope of non-administrators (rows and
 * totals), the `JobID` pseudo-parameter split out of the filters and resolved through
 * `JobToPilotMapping`, and the typed columns of `PilotAgents` (flags, datetimes, BenchMark).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { SearchParams, SummaryParams } from '../../../src/logic/jobs/search-params.ts';
import { assignJobsToPilot, registerPilot, updatePilotsMetadata } from '../../../src/logic/pilots/management.ts';
import { PilotRegistrationParams } from '../../../src/logic/pilots/models.ts';
import {
  pilotQueryScope,
  searchVisiblePilots,
  splitJobIdFilters,
  summariseVisiblePilots,
} from '../../../src/logic/pilots/query.ts';
import { caller, createPilotsFixture, T0, type PilotsFixture } from './fixture.ts';

let f: PilotsFixture;
const USER = caller('lhcb', ['NormalUser']);
const OTHER = caller('gridpp', ['NormalUser']);
const ADMIN = caller('gridpp', ['ServiceAdministrator']);

beforeAll(async () => {
  f = await createPilotsFixture();
  for (const [stamp, vo] of [
    ['l-1', 'lhcb'],
    ['l-2', 'lhcb'],
    ['l-3', 'lhcb'],
    ['g-1', 'gridpp'],
  ] as const) {
    await registerPilot(f.ctx, PilotRegistrationParams.parse({ pilot_stamp: stamp, vo }));
  }
  await updatePilotsMetadata(f.ctx, { 'l-2': { AccountingSent: true, BenchMark: 12.5 } });
  await assignJobsToPilot(f.ctx, 'l-1', [1, 2]);
  await assignJobsToPilot(f.ctx, 'l-2', [2]);
  await assignJobsToPilot(f.ctx, 'g-1', [3]);
});
afterAll(() => f.t.dispose());

const search = (user = USER, body: unknown = {}, page = 1, perPage = 100) =>
  searchVisiblePilots({ database: f.t.database, user }, SearchParams.parse(body), page, perPage);
const stamps = async (user: typeof USER, body: unknown): Promise<string[]> =>
  (await search(user, body)).rows.map((r) => String(r.PilotStamp)).sort();

describe('pilotQueryScope', () => {
  it('confines everyone but a ServiceAdministrator to their VO', () => {
    expect(pilotQueryScope(USER)).toEqual({ vo: 'lhcb' });
    expect(pilotQueryScope(caller('lhcb', ['JobAdministrator', 'NormalUser']))).toEqual({ vo: 'lhcb' });
    expect(pilotQueryScope(ADMIN)).toEqual({});
  });
});

describe('splitJobIdFilters', () => {
  it('leaves a request without JobID as it is', () => {
    const filters = [{ parameter: 'Status', operator: 'eq', value: 'Done' }] as const;
    expect(splitJobIdFilters(filters)).toEqual({ search: [...filters] });
  });

  it('collects eq and in values into one list and keeps the other filters', () => {
    const split = splitJobIdFilters([
      { parameter: 'JobID', operator: 'eq', value: '5' },
      { parameter: 'Status', operator: 'eq', value: 'Done' },
      { parameter: 'JobID', operator: 'in', values: [6, 5, 3_000_000_000] },
    ]);
    expect(split).toEqual({ search: [{ parameter: 'Status', operator: 'eq', value: 'Done' }], ranJobIds: [5, 6] });
  });

  it.each([
    ['not in', { parameter: 'JobID', operator: 'not in', values: [1] }],
    ['like', { parameter: 'JobID', operator: 'like', value: '1%' }],
    ['a fraction', { parameter: 'JobID', operator: 'eq', value: '1.5' }],
  ] as const)('refuses %s with INVALID_INPUT', (_name, filter) => {
    expect(() => splitJobIdFilters([filter])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('searchVisiblePilots', () => {
  it("counts and returns only the caller's VO", async () => {
    const { rows, total } = await search(USER);
    expect(total).toBe(3);
    expect(new Set(rows.map((r) => r.VO))).toEqual(new Set(['lhcb']));
    expect((await search(OTHER)).total).toBe(1);
  });

  it('shows a ServiceAdministrator every VO', async () => {
    expect((await search(ADMIN)).total).toBe(4);
  });

  it('resolves JobID within the VO scope', async () => {
    expect(await stamps(USER, { search: [{ parameter: 'JobID', operator: 'eq', value: 2 }] })).toEqual(['l-1', 'l-2']);
    expect(await stamps(USER, { search: [{ parameter: 'JobID', operator: 'in', values: [1, 3] }] })).toEqual(['l-1']);
    expect(await stamps(ADMIN, { search: [{ parameter: 'JobID', operator: 'in', values: [1, 3] }] })).toEqual([
      'g-1',
      'l-1',
    ]);
  });

  it('filters the AccountingSent flag and BenchMark', async () => {
    expect(await stamps(USER, { search: [{ parameter: 'AccountingSent', operator: 'eq', value: true }] })).toEqual([
      'l-2',
    ]);
    expect(await stamps(USER, { search: [{ parameter: 'BenchMark', operator: 'neq', value: 0 }] })).toEqual(['l-2']);
  });

  it('filters datetimes by partial values and returns them as dates', async () => {
    const { rows } = await search(USER, {
      parameters: ['SubmissionTime'],
      search: [{ parameter: 'SubmissionTime', operator: 'eq', value: '2026-03-01' }],
    });
    expect(rows).toEqual([{ SubmissionTime: T0 }, { SubmissionTime: T0 }, { SubmissionTime: T0 }]);
    expect(
      (await search(USER, { search: [{ parameter: 'SubmissionTime', operator: 'gt', value: '2026-03' }] })).total,
    ).toBe(0);
  });

  it('pages over the scoped rows', async () => {
    const { rows, total } = await search(USER, { sort: [{ parameter: 'PilotStamp', direction: 'asc' }] }, 2, 2);
    expect(total).toBe(3);
    expect(rows.map((r) => r.PilotStamp)).toEqual(['l-3']);
  });
});

describe('summariseVisiblePilots', () => {
  it("counts only the caller's VO, every VO for a ServiceAdministrator", async () => {
    const summary = (user: typeof USER) =>
      summariseVisiblePilots({ database: f.t.database, user }, SummaryParams.parse({ grouping: ['VO'] }));
    expect(await summary(USER)).toEqual([{ VO: 'lhcb', count: 3 }]);
    expect(await summary(ADMIN)).toEqual([
      { VO: 'gridpp', count: 1 },
      { VO: 'lhcb', count: 3 },
    ]);
  });
});
