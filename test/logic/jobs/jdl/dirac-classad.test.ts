/**
 * The DIRAC emulation's building blocks, on values checked against Python 3.11 and DIRACCommon
 * 9.1.22 by hand: Python's strip/int/float/sort, ClassAdLight's reader, getters and printer,
 * and the places where DIRAC would loop forever or lose data, which throw DiracJdlError instead.
 * The whole pipeline is compared with DIRACCommon in dirac-jdl.test.ts.
 */
import { describe, expect, it } from 'bun:test';
import { DiracClassAd } from '../../../../src/logic/jobs/jdl/dirac-classad.ts';
import { dumpCfgAsJdl, loadJdlAsCfg } from '../../../../src/logic/jobs/jdl/dirac-cfg.ts';
import { comparePyStrings, isPyFloat, pyInt, pyStrip } from '../../../../src/logic/jobs/jdl/python-text.ts';

describe("Python's text built-ins", () => {
  it.each([
    ['1_000', true, 1000n],
    [' 5 ', true, 5n],
    ['inf', true, undefined],
    ['-Infinity', true, undefined],
    ['nan', true, undefined],
    ['1e3', true, undefined],
    ['5.', true, undefined],
    ['+.5e-3', true, undefined],
    ['.', false, undefined],
    ['_1', false, undefined],
    ['1__0', false, undefined],
    ['0x10', false, undefined],
    ['1e', false, undefined],
    ['true', false, undefined],
  ])('reads %j as float() %p and int() %p', (text, float, int) => {
    expect(isPyFloat(text)).toBe(float);
    expect(pyInt(text)).toBe(int);
  });

  it("strips Python's whitespace, not JavaScript's", () => {
    expect(pyStrip(' \u001c a\u0085 ')).toBe('a');
    expect(pyStrip('\ufeffa')).toBe('\ufeffa');
  });

  it('sorts by code point, as sorted() does', () => {
    expect(['\u{1F600}', '\uFFFD', 'a', 'B'].sort(comparePyStrings)).toEqual(['B', 'a', '\uFFFD', '\u{1F600}']);
  });
});

describe('DiracClassAd', () => {
  it('reads an empty value as an empty string', () => {
    const ad = new DiracClassAd('[A = 1; B = ; C = 2]');
    expect(ad.names().map((n) => [n, ad.expression(n)])).toEqual([
      ['A', '1'],
      ['B', ''],
      ['C', '2'],
    ]);
  });

  it('gives lists as getListFromExpression does: quotes off, spaces out, nested lists as text', () => {
    const ad = new DiracClassAd('[A = {"x", {1,2}, y}; B = "p, q"; C = ""]');
    expect([ad.getList('A'), ad.getList('B'), ad.getList('C'), ad.getInt('B')]).toEqual([
      ['x', '{1,2}', 'y'],
      ['p', 'q'],
      [],
      undefined,
    ]);
  });

  it('prints sorted, with empty lists and nested ClassAds as asJDL does', () => {
    expect(new DiracClassAd('[B = {}; A = "x"; S = [C = 2; D = {1}];]').asJdl()).toBe(
      [
        '[ ',
        '    A = "x";',
        '    B = ',
        '        {',
        '            ',
        '        };',
        '    S = ',
        '        [ ',
        '            C = 2;',
        '            D = ',
        '                {',
        '                    1',
        '                };',
        '        ];',
        ']',
      ].join('\n'),
    );
  });

  it('refuses what DIRAC never finishes reading, or fails on', () => {
    expect(() => new DiracClassAd('[A = "a[1]";]')).toThrow(/never finish/);
    expect(() => new DiracClassAd('[A = 1; B = [C = 2]]')).toThrow(/never finish/);
  });
});

describe('loadJdlAsCfg and dumpCfgAsJdl', () => {
  it('turns values into text and writes one-item lists as scalars, several as lists', () => {
    const cfg = loadJdlAsCfg('[A = {"x"}; B = "p, q"; C = true; Arguments = "a, b"; D = 1.5;]');
    expect(dumpCfgAsJdl(cfg)).toBe(
      '[\n  A = "x";\n  B =\n  {\n    "p",\n    "q"\n  };\n  C = "true";\n  Arguments = "a, b";\n  D = 1.5;\n]',
    );
  });

  it("keeps DIRAC's refusals and messages", () => {
    expect(() => loadJdlAsCfg('[A = "a \\"b\\"";]')).toThrow(
      'Var A : value seems a list but is not separated in commas',
    );
    expect(() => loadJdlAsCfg('[A = {"a,b"};]')).toThrow('Var A : value is opened with " but is not closed');
  });

  it.each([
    ['a semicolon in a string', '[A = "a;b";]'],
    ['a bracket in a string', '[A = "a]";]'],
    ['a line break in a string', '[A = "a\nb";]'],
    ['text after a closing quote', '[A = "a" + b;]'],
    ['a comment', '[A = 1; // note\n B = 2;]'],
  ])('refuses %s, which DiracX would store mangled', (_name, jdl) => {
    expect(() => loadJdlAsCfg(jdl)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
