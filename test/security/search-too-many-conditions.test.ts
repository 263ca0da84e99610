/**
 * Attack: one search or summary carrying thousands of conditions (filters, sort keys, named
 * columns), so that the database plans and evaluates a huge WHERE clause for every row. Beyond
 * `DIRACX_SEARCH_MAX_CONDITIONS` (100 by default) the request is a 400 naming the limit and its
 * setting, on REST (jobs and pilots, search and summary) and on the MCP tools alike, before the
 * database is touched; at the limit it is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { DEFAULT_SEARCH_LIMITS } from '../../src/logic/jobs/search-limits.ts';
import { createSearchWorld, type SearchWorld } from './search-world.ts';

let world: SearchWorld;
beforeAll(async () => {
  world = await createSearchWorld();
});
afterAll(() => world.dispose());

const LIMIT = DEFAULT_SEARCH_LIMITS.maxConditions;
/** `n` filters every job matches. */
const filters = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ parameter: 'JobID', operator: 'neq', value: -1 - i }));

describe('a search with more conditions than DIRACX_SEARCH_MAX_CONDITIONS', () => {
  for (const path of ['/api/jobs/search', '/api/pilots/search']) {
    it(`is a 400 naming the limit at ${path}, and the database is not touched`, async () => {
      const before = world.databaseUses();
      const res = await world.rest('owner', path, {
        search: path.includes('pilots')
          ? filters(LIMIT + 1).map((f) => ({ ...f, parameter: 'PilotID' }))
          : filters(LIMIT + 1),
      });
      expect(res.status).toBe(400);
      expect((res.body as { detail: string }).detail).toContain(
        `more than the ${LIMIT} allowed per request (DIRACX_SEARCH_MAX_CONDITIONS)`,
      );
      expect(world.databaseUses()).toBe(before);
    });
  }

  it('counts sort keys and requested columns with the filters', async () => {
    const sort = Array.from({ length: 40 }, () => ({ parameter: 'JobID', direction: 'asc' }));
    const parameters = Array.from({ length: 40 }, () => 'JobID');
    const res = await world.rest('owner', '/api/jobs/search', { parameters, sort, search: filters(LIMIT - 79) });
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toContain('DIRACX_SEARCH_MAX_CONDITIONS');
  });

  it('is a 400 for a summary, counting its grouping', async () => {
    const before = world.databaseUses();
    const res = await world.rest('owner', '/api/jobs/summary', { grouping: ['Status'], search: filters(LIMIT) });
    expect(res.status).toBe(400);
    expect((res.body as { detail: string }).detail).toContain('DIRACX_SEARCH_MAX_CONDITIONS');
    expect(world.databaseUses()).toBe(before);
    const pilots = await world.rest('owner', '/api/pilots/summary', {
      grouping: ['Status'],
      search: filters(LIMIT).map((f) => ({ ...f, parameter: 'PilotID' })),
    });
    expect(pilots.status).toBe(400);
  });

  it('is served at the limit', async () => {
    const res = await world.rest('owner', '/api/jobs/search', { parameters: ['JobID'], search: filters(LIMIT - 1) });
    expect(res.status).toBe(200);
    expect((res.body as { JobID: number }[]).map((r) => r.JobID).sort()).toEqual([...world.jobIds].sort());
  });

  for (const name of ['search_jobs', 'summarize_jobs', 'search_pilots', 'get_pilot_summary']) {
    it(`is an isError result naming the limit from the MCP tool ${name}`, async () => {
      const parameter = name.includes('pilots') ? 'PilotID' : 'JobID';
      const extra = JSON.stringify(filters(LIMIT + 1).map((f) => ({ ...f, parameter })));
      const outcome = await world.tool('owner', name, {
        parameter,
        operator: 'neq',
        value: -1,
        extra_conditions: extra,
      });
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toContain('INVALID_INPUT');
      expect(outcome.text).toContain('DIRACX_SEARCH_MAX_CONDITIONS');
    });
  }

  it('leaves the MCP search working within the limit', async () => {
    const outcome = await world.tool('owner', 'search_jobs', {
      parameter: 'JobID',
      operator: 'neq',
      value: -1,
      extra_conditions: JSON.stringify(filters(10)),
    });
    expect(outcome.isError).toBe(false);
    expect((outcome.structured!.data as unknown[]).length).toBe(world.jobIds.length);
  });
});
