/**
 * printJdl's layout (DIRAC's one-attribute-per-line form), string escaping, and the round trip:
 * for random documents (odd names, strings with quotes, backslashes, line breaks and unicode,
 * numbers, nested lists and ClassAds) `parseJdl(printJdl(doc))` equals `doc` (fast-check).
 */
import { describe, expect, it } from 'bun:test';
import fc from 'fast-check';
import type { JdlAttribute, JdlDocument, JdlValue } from '../../../../src/logic/jobs/jdl/ast.ts';
import { parseJdl, parseJdlValue } from '../../../../src/logic/jobs/jdl/parse.ts';
import { printJdl, printValue, quoteJdlString } from '../../../../src/logic/jobs/jdl/print.ts';
import { TEST_JDL, TEST_PARAMETRIC_JDL } from './fixtures.ts';

describe('printJdl', () => {
  it("writes DIRAC's layout: one attribute per line, list items one per line", () => {
    const doc = parseJdl(
      '[Executable = "x"; Priority = 1; Verified = true; Req = other.Site == "A"; ' +
        'L = {"a", {1, 2}, {}}; E = {}; R = [C = 1; D = "d"]]',
    );
    expect(printJdl(doc)).toBe(
      [
        '[',
        '    Executable = "x";',
        '    Priority = 1;',
        '    Verified = true;',
        '    Req = other.Site == "A";',
        '    L = {',
        '        "a",',
        '        {',
        '            1,',
        '            2',
        '        },',
        '        {}',
        '    };',
        '    E = {};',
        '    R = [',
        '        C = 1;',
        '        D = "d";',
        '    ];',
        ']',
      ].join('\n'),
    );
  });

  it('writes an empty document as []', () => {
    expect(printJdl({ attributes: [] })).toBe('[]');
  });

  it('takes another indentation unit', () => {
    expect(printJdl(parseJdl('[L = {1}]'), { indent: '\t' })).toBe('[\n\tL = {\n\t\t1\n\t};\n]');
  });

  it('keeps numbers and expressions exactly as they were written', () => {
    expect(printJdl(parseJdl('[A = +1.50e3; B = %(X)s]'))).toBe('[\n    A = +1.50e3;\n    B = %(X)s;\n]');
  });

  it('refuses an attribute name it could not read back', () => {
    const doc: JdlDocument = { attributes: [{ name: 'bad name', value: { kind: 'boolean', value: true } }] };
    expect(() => printJdl(doc)).toThrow(TypeError);
  });

  it.each([TEST_JDL, TEST_PARAMETRIC_JDL])('prints a DiracX test JDL so that it reads back the same', (text) => {
    const doc = parseJdl(text);
    expect(parseJdl(printJdl(doc))).toEqual(doc);
  });
});

describe('quoteJdlString', () => {
  it('escapes quotes, backslashes, line breaks, tabs and other control characters', () => {
    expect(quoteJdlString('a"b\\c\nd\re\tf\u0001g\u007f')).toBe('"a\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007f"');
  });

  it('writes unicode as it is', () => {
    expect(quoteJdlString('é 😀 ✓')).toBe('"é 😀 ✓"');
  });
});

describe('printValue', () => {
  it('writes a value on one line', () => {
    expect(printValue(parseJdlValue('{"a", {1, 2}, [X = 1; Y = "y"]}'))).toBe('{"a", {1, 2}, [X = 1; Y = "y"]}');
  });
});

const NAME = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,10}$/);
const TRICKY_TEXT = fc
  .array(
    fc.constantFrom(
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      ';',
      ']',
      '[',
      '{',
      '}',
      ',',
      '=',
      '/*',
      '//',
      '%s',
      'é',
      '😀',
      '\u0000',
      ' ',
      'a',
    ),
  )
  .map((parts) => parts.join(''));
const EXPRESSIONS = [
  'ANY',
  'std.err',
  '/lhcb/data/data1',
  '%(InputData)s',
  'Test_%n',
  'other.Site == "LCG.CERN.cern"',
  'a =?= b && !c',
  'member("a", {"b", "c"})',
  '(Memory >= 2048) || isUndefined(x)',
  'f("quote \\" inside")',
  'https://host//path',
];

const { value: VALUE } = fc.letrec<{ value: JdlValue; attributes: JdlAttribute[] }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string({ unit: 'binary' }), TRICKY_TEXT).map((value): JdlValue => ({ kind: 'string', value })),
    fc
      .oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))
      .map((n): JdlValue => ({ kind: 'number', value: Number(String(n)), raw: String(n) })),
    fc.boolean().map((value): JdlValue => ({ kind: 'boolean', value })),
    fc.constantFrom(...EXPRESSIONS).map((raw): JdlValue => ({ kind: 'expression', raw })),
    fc.array(tie('value'), { maxLength: 4 }).map((items): JdlValue => ({ kind: 'list', items })),
    tie('attributes').map((attributes): JdlValue => ({ kind: 'classad', attributes })),
  ),
  attributes: fc.uniqueArray(fc.record({ name: NAME, value: tie('value') }), {
    selector: (a) => a.name,
    maxLength: 4,
  }),
}));
const DOCUMENT = fc
  .uniqueArray(fc.record({ name: NAME, value: VALUE }), { selector: (a) => a.name, maxLength: 8 })
  .map((attributes): JdlDocument => ({ attributes }));

describe('printJdl round trip', () => {
  it('reads back every printed document unchanged', () => {
    fc.assert(
      fc.property(DOCUMENT, (doc) => {
        expect(parseJdl(printJdl(doc))).toEqual(doc);
      }),
      { numRuns: 500 },
    );
  });

  it('reads back every value printed on one line unchanged', () => {
    fc.assert(
      fc.property(VALUE, (value) => {
        expect(parseJdlValue(printValue(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });
});
