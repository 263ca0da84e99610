/**
 * Partial matching of tool arguments: refs, unordered arrays, `contains`, `any_of`,
 * `absent_or`, `text_contains`, and the `conditions` view of search-like arguments, which does
 * not care whether a condition is the primary one or in `extra_conditions`, nor `eq` x from
 * `in` [x].
 */
import { describe, expect, it } from 'bun:test';
import { conditionsOf, matches, normalizeArgs } from '../../eval/match.ts';

const ids = new Map([
  ['a', 73101],
  ['b', 73102],
]);

describe('matches', () => {
  it('compares scalars, numbers with their text, and refs with ids', () => {
    expect(matches('Failed', 'Failed', ids)).toBe(true);
    expect(matches('Failed', 'failed', ids)).toBe(false);
    expect(matches(7200, '7200', ids)).toBe(true);
    expect(matches({ ref: 'a' }, 73101, ids)).toBe(true);
    expect(matches({ ref: 'a' }, '73101', ids)).toBe(true);
    expect(matches({ ref: 'a' }, 73102, ids)).toBe(false);
    expect(matches({ ref: 'zz' }, 73101, ids)).toBe(false);
  });

  it('matches arrays in any order but exactly, and contains as a subset', () => {
    const both = [{ ref: 'a' }, { ref: 'b' }];
    expect(matches(both, [73102, 73101], ids)).toBe(true);
    expect(matches(both, [73101, 73102, 1], ids)).toBe(false);
    expect(matches(both, [73101, 73101], ids)).toBe(false);
    expect(matches({ contains: [{ ref: 'a' }] }, [1, 73101], ids)).toBe(true);
  });

  it('matches objects partially, with alternatives, optional values and text', () => {
    expect(matches({ job_ids: [{ ref: 'a' }] }, { job_ids: [73101], dry_run: false }, ids)).toBe(true);
    expect(
      matches(
        { any_of: [{ executable: 'echo' }, { jdl_content: { text_contains: 'ECHO' } }] },
        { jdl_content: '[Executable = "echo";]' },
        ids,
      ),
    ).toBe(true);
    expect(matches({ dry_run: { absent_or: false } }, {}, ids)).toBe(true);
    expect(matches({ dry_run: { absent_or: false } }, { dry_run: true }, ids)).toBe(false);
  });
});

describe('conditions', () => {
  it('flattens the primary condition and extra_conditions into one list', () => {
    const args = {
      parameter: 'Site',
      operator: 'eq',
      value: 'LCG.CERN.cern',
      extra_conditions: '[{"parameter": "Status", "operator": "in", "values": ["Stalled"]}]',
    };
    expect(conditionsOf(args)).toEqual([
      { parameter: 'Site', operator: 'eq', values: ['LCG.CERN.cern'] },
      { parameter: 'Status', operator: 'in', values: ['Stalled'] },
    ]);
    const expected = {
      conditions: {
        contains: [
          { parameter: 'Status', values: ['Stalled'] },
          { parameter: 'Site', values: ['LCG.CERN.cern'] },
        ],
      },
    };
    expect(matches(expected, normalizeArgs(args), ids)).toBe(true);
  });

  it('ignores extra conditions that are not JSON, and leaves other calls alone', () => {
    expect(conditionsOf({ parameter: 'JobID', operator: 'eq', value: 5, extra_conditions: 'not json' })).toEqual([
      { parameter: 'JobID', operator: 'eq', values: ['5'] },
    ]);
    expect(normalizeArgs({ job_id: 5 })).toEqual({ job_id: 5 });
  });
});
