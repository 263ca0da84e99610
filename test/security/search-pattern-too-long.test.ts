/**
 * Attack: a `like` or `regex` pattern of megabytes (the body limit allows 16 MiB), compiled and
 * matched against every row. A pattern longer than `DIRACX_SEARCH_MAX_PATTERN_LENGTH` (256
 * characters by default) is a 400 naming the limit and its setting, on REST and from the MCP
 * tools, before the database is touched; one at the limit is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { DEFAULT_SEARCH_LIMITS } from '../../src/logic/jobs/search-limits.ts';
import { createSearchWorld, type SearchWorld } from './search-world.ts';

let world: SearchWorld;
beforeAll(async () => {
  world = await createSearchWorld();
});
afterAll(() => world.dispose());

const LIMIT = DEFAULT_SEARCH_LIMITS.maxPatternLength;

describe('a pattern longer than DIRACX_SEARCH_MAX_PATTERN_LENGTH', () => {
  for (const operator of ['like', 'not like', 'regex']) {
    it(`is a 400 naming the limit for ${operator}, before the database is touched`, async () => {
      const before = world.databaseUses();
      const value = `%${'a'.repeat(LIMIT)}`;
      const res = await world.rest('owner', '/api/jobs/search', {
        search: [{ parameter: 'JobName', operator, value }],
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        detail:
          `Pattern too long for parameter JobName: ${LIMIT + 1} characters, ` +
          `more than the ${LIMIT} allowed (DIRACX_SEARCH_MAX_PATTERN_LENGTH)`,
      });
      expect(world.databaseUses()).toBe(before);
    });
  }

  it('is a 400 from the summaries and the pilot search', async () => {
    const search = [{ parameter: 'Status', operator: 'like', value: 'x'.repeat(100_000) }];
    for (const [path, body] of [
      ['/api/jobs/summary', { grouping: ['Status'], search }],
      ['/api/pilots/search', { search }],
    ] as const) {
      const res = await world.rest('admin', path, body);
      expect(res.status).toBe(400);
      expect((res.body as { detail: string }).detail).toContain('DIRACX_SEARCH_MAX_PATTERN_LENGTH');
    }
  });

  it('is an isError result from the MCP tool search_jobs', async () => {
    const outcome = await world.tool('owner', 'search_jobs', {
      parameter: 'JobName',
      operator: 'like',
      value: `${'a'.repeat(LIMIT)}%`,
    });
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toContain('INVALID_INPUT: Pattern too long for parameter JobName');
    expect(outcome.text).toContain('DIRACX_SEARCH_MAX_PATTERN_LENGTH');
  });

  it('is served at the limit', async () => {
    const value = `search-%${'%'.repeat(LIMIT - 8)}`;
    expect(value.length).toBe(LIMIT);
    const res = await world.rest('owner', '/api/jobs/search', {
      parameters: ['JobID'],
      search: [{ parameter: 'JobName', operator: 'like', value }],
    });
    expect(res.status).toBe(200);
    expect((res.body as unknown[]).length).toBe(world.jobIds.length);
  });
});
