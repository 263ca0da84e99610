/**
 * PEP 440 parsing and ordering, used by the DiracX-Client-Version check: the order must match
 * Python's `packaging` for the forms DiracX clients send.
 */
import { describe, expect, it } from 'bun:test';
import { compareVersions, parseVersion } from '../../src/logic/pep440.ts';

function cmp(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (!va || !vb) throw new Error(`unparsable: ${a} or ${b}`);
  return compareVersions(va, vb);
}

describe('parseVersion', () => {
  it.each([
    '0.0.1a1',
    '1.2.3',
    'v1.0',
    '1!2.0',
    '1.0rc1',
    '1.0.post2',
    '1.0.dev3',
    '1.0a1.dev1',
    '1.0+local.7',
    '0.0.1-alpha.1',
  ])('accepts %s', (text) => {
    expect(parseVersion(text)).toBeDefined();
  });

  it.each(['invalid.version', '', '1..0', 'abc', '1.0-foo'])('refuses %p', (text) => {
    expect(parseVersion(text)).toBeUndefined();
  });
});

describe('compareVersions', () => {
  it('orders versions as packaging does', () => {
    const ordered = [
      '0.0.dev123',
      '0.0.1.dev1',
      '0.0.1a1.dev1',
      '0.0.1a1',
      '0.0.1a2',
      '0.0.1b1',
      '0.0.1rc1',
      '0.0.1',
      '0.0.1.post1.dev1',
      '0.0.1.post1',
      '0.1.0',
      '1.0.0',
      '1!0.0.1',
    ];
    for (let i = 0; i < ordered.length - 1; i++) {
      expect(cmp(ordered[i]!, ordered[i + 1]!)).toBe(-1);
      expect(cmp(ordered[i + 1]!, ordered[i]!)).toBe(1);
    }
  });

  it('treats trailing zeros and spelling variants as equal, ignoring local labels (packaging sorts them after)', () => {
    expect(cmp('1.0', '1.0.0')).toBe(0);
    expect(cmp('1.0alpha1', '1.0a1')).toBe(0);
    expect(cmp('1.0+abc', '1.0')).toBe(0);
  });
});
