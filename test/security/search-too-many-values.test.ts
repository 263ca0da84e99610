/**
 * Attack: an `in`/`not in` filter with hundreds of thousands of values (a 16 MiB body holds
 * about two million), each a bound parameter: past PostgreSQL's 65 535 the statement fails (a
 * 500), below it the planner and executor chew through a huge list. More than
 * `DIRACX_SEARCH_MAX_VALUES` (10 000 by default) values in one request, all filters together, is
 * a 400 naming the limit and its setting (REST and MCP), before the database is touched; at the
 * limit the request is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { DEFAULT_SEARCH_LIMITS } from '../../src/logic/jobs/search-limits.ts';
import { createSearchWorld, type SearchWorld } from './search-world.ts';

let world: SearchWorld;
beforeAll(async () => {
  world = await createSearchWorld();
});
afterAll(() => world.dispose());

const LIMIT = DEFAULT_SEARCH_LIMITS.maxValues;
const ids = (n: number, from = 1_000_000): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('in/not in filters with more values than DIRACX_SEARCH_MAX_VALUES', () => {
  it('are a 400 naming the limit, counted over all filters, before the database is touched', async () => {
    const before = world.databaseUses();
    const res = await world.rest('owner', '/api/jobs/search', {
      search: [
        { parameter: 'JobID', operator: 'in', values: [...world.jobIds, ...ids(LIMIT / 2)] },
        { parameter: 'JobID', operator: 'not in', values: ids(LIMIT / 2, 2_000_000) },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      detail:
        `Too many values: ${LIMIT + world.jobIds.length} in 'in'/'not in' filters, more than the ${LIMIT} ` +
        `allowed per request (DIRACX_SEARCH_MAX_VALUES)`,
    });
    expect(world.databaseUses()).toBe(before);
  });

  it("are a 400 well before PostgreSQL's bound-parameter limit (no 500)", async () => {
    const res = await world.rest('owner', '/api/jobs/search', {
      search: [{ parameter: 'JobID', operator: 'in', values: ids(70_000) }],
    });
    expect(res.status).toBe(400);
    const pilots = await world.rest('admin', '/api/pilots/summary', {
      grouping: ['Status'],
      search: [{ parameter: 'PilotID', operator: 'not in', values: ids(70_000) }],
    });
    expect(pilots.status).toBe(400);
    expect((pilots.body as { detail: string }).detail).toContain('DIRACX_SEARCH_MAX_VALUES');
  });

  it('are an isError result from the MCP tool search_jobs', async () => {
    const outcome = await world.tool('owner', 'search_jobs', {
      parameter: 'JobID',
      operator: 'in',
      values: ids(LIMIT + 1),
    });
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toContain('DIRACX_SEARCH_MAX_VALUES');
  });

  it('are served at the limit', async () => {
    const res = await world.rest('owner', '/api/jobs/search', {
      parameters: ['JobID'],
      search: [{ parameter: 'JobID', operator: 'in', values: [...world.jobIds, ...ids(LIMIT - world.jobIds.length)] }],
    });
    expect(res.status).toBe(200);
    expect((res.body as { JobID: number }[]).map((r) => r.JobID).sort()).toEqual([...world.jobIds].sort());
  });
});
