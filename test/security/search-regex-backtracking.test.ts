/**
 * Attack: a `regex` filter built to backtrack catastrophically (nested quantifiers such as
 * `(a+)+$`, alternations under a quantifier such as `(a|a)*`, backreferences, huge counted
 * repetitions such as `{1000}`), which can keep a database busy for minutes on one row. Such
 * patterns are a 400 naming the construct, on REST (jobs and pilots, search and summary) and
 * from the MCP tools, before the database is touched. Ordinary patterns stay served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createSearchWorld, type SearchWorld } from './search-world.ts';

let world: SearchWorld;
beforeAll(async () => {
  world = await createSearchWorld();
});
afterAll(() => world.dispose());

const HOSTILE: Record<string, string> = {
  '(a+)+$': 'quantified group',
  '(a*)*b': 'quantified group',
  '(a|a)*$': 'quantified group',
  '^(\\w+\\s?)*$': 'quantified group',
  '((ab)*c)+': 'quantified group',
  '(.*a){20}': 'quantified group',
  '(x+x+)+y': 'quantified group',
  'a**': 'quantifier on a quantifier',
  '(a)\\1': 'backreferences',
  'a{1000}': 'repetition counts above 100',
  'a{1,5000}': 'repetition counts above 100',
};

describe('a regex filter that backtracks', () => {
  for (const [pattern, construct] of Object.entries(HOSTILE)) {
    it(`${pattern} is a 400 naming the construct, before the database is touched`, async () => {
      const before = world.databaseUses();
      const res = await world.rest('owner', '/api/jobs/search', {
        search: [{ parameter: 'JobName', operator: 'regex', value: pattern }],
      });
      expect(res.status).toBe(400);
      expect((res.body as { detail: string }).detail).toStartWith('Regular expression refused for parameter JobName: ');
      expect((res.body as { detail: string }).detail).toContain(construct);
      expect(world.databaseUses()).toBe(before);
    });
  }

  it('is refused by the summaries and the pilot search too', async () => {
    const search = [{ parameter: 'Status', operator: 'regex', value: '(a+)+$' }];
    for (const [path, body] of [
      ['/api/jobs/summary', { grouping: ['Status'], search }],
      ['/api/pilots/search', { search }],
      ['/api/pilots/summary', { grouping: ['Status'], search }],
    ] as const) {
      const res = await world.rest('admin', path, body);
      expect(res.status).toBe(400);
      expect((res.body as { detail: string }).detail).toContain('quantified group');
    }
  });

  for (const name of ['search_jobs', 'summarize_jobs', 'search_pilots', 'get_pilot_summary']) {
    it(`is an isError result from the MCP tool ${name}`, async () => {
      const outcome = await world.tool('owner', name, { parameter: 'Status', operator: 'regex', value: '(a|aa)*$' });
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toContain('INVALID_INPUT: Regular expression refused for parameter Status');
    });
  }

  it('serves ordinary patterns: anchors, classes, bounded counts, alternation, lazy quantifiers', async () => {
    for (const pattern of [
      '^search-[0-9]{1,3}$',
      '^(search|other)-1$',
      'search-.*?2',
      '[[:alpha:]]+-2',
      '^(?:search)-0$',
    ]) {
      const res = await world.rest('owner', '/api/jobs/search', {
        parameters: ['JobName'],
        search: [{ parameter: 'JobName', operator: 'regex', value: pattern }],
      });
      expect(res.status).toBe(200);
      expect((res.body as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it("still answers a pattern PostgreSQL cannot compile with DiracX's 400", async () => {
    const res = await world.rest('owner', '/api/jobs/search', {
      search: [{ parameter: 'JobName', operator: 'regex', value: '(unclosed' }],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Invalid regex (unclosed' });
  });
});
