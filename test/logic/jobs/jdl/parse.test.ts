/**
 * parseJdl on every construct JDL has: strings and their escapes, numbers, booleans, lists
 * (nested, empty, trailing comma), expressions kept as text, nested ClassAds, comments, with and
 * without brackets, and DiracX's own test JDLs. Errors are in parse-errors.test.ts.
 */
import { describe, expect, it } from 'bun:test';
import type { JdlValue } from '../../../../src/logic/jobs/jdl/ast.ts';
import { parseJdl, parseJdlValue } from '../../../../src/logic/jobs/jdl/parse.ts';
import { TEST_JDL, TEST_PARAMETRIC_JDL } from './fixtures.ts';

const str = (value: string): JdlValue => ({ kind: 'string', value });
const num = (raw: string): JdlValue => ({ kind: 'number', value: Number(raw), raw });
const expr = (raw: string): JdlValue => ({ kind: 'expression', raw });
const list = (...items: JdlValue[]): JdlValue => ({ kind: 'list', items });

/** The value of the only attribute of `[A = <text>]`. */
function attributeValue(text: string): JdlValue | undefined {
  return parseJdl(`[A = ${text}]`).attributes[0]?.value;
}

describe('parseJdl: values', () => {
  it('reads a double-quoted string', () => {
    expect(attributeValue('"dirac-jobexec"')).toEqual(str('dirac-jobexec'));
  });

  it.each([
    ['\\"', '"'],
    ['\\\\', '\\'],
    ['\\n', '\n'],
    ['\\t', '\t'],
    ['\\r', '\r'],
    ['\\b', '\b'],
    ['\\f', '\f'],
    ['\\/', '/'],
    ["\\'", "'"],
    ['\\u00e9', 'é'],
    ['\\d', '\\d'],
  ])('decodes the escape %s', (sequence, decoded) => {
    expect(attributeValue(`"a${sequence}b"`)).toEqual(str(`a${decoded}b`));
  });

  it('keeps ";", "]", "=" and raw line breaks inside a string', () => {
    expect(attributeValue('"a;b]c = d\ne"')).toEqual(str('a;b]c = d\ne'));
  });

  it('keeps unicode as it is', () => {
    expect(attributeValue('"Ωmega ✓ 😀"')).toEqual(str('Ωmega ✓ 😀'));
  });

  it.each(['0', '5', '-3', '+2', '2.5', '-0.25', '.5', '1e3', '1.5E-7', '007'])(
    'reads the number %s, keeping its text',
    (raw) => {
      expect(attributeValue(raw)).toEqual(num(raw));
    },
  );

  it.each([
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['False', false],
  ])('reads the boolean %s in any case', (raw, value) => {
    expect(attributeValue(raw)).toEqual({ kind: 'boolean', value });
  });

  it('reads a list of mixed items', () => {
    expect(attributeValue('{ "a", 1, true, std.err }')).toEqual(
      list(str('a'), num('1'), { kind: 'boolean', value: true }, expr('std.err')),
    );
  });

  it('reads nested and empty lists and a trailing comma', () => {
    expect(attributeValue('{ {"a", "b"}, {}, "c", }')).toEqual(list(list(str('a'), str('b')), list(), str('c')));
  });

  it('keeps bare words, paths and placeholders as expressions', () => {
    expect(attributeValue('ANY')).toEqual(expr('ANY'));
    expect(attributeValue('/lhcb/data/data1')).toEqual(expr('/lhcb/data/data1'));
    expect(attributeValue('%(InputData)s')).toEqual(expr('%(InputData)s'));
    expect(attributeValue("'quoted'")).toEqual(expr("'quoted'"));
  });

  it('keeps a ClassAd expression as its text, each run of blanks made one space', () => {
    expect(attributeValue('other.Site  ==\n  "LCG.CERN.cern" && (Memory >= 2048 || !isUndefined(x))')).toEqual(
      expr('other.Site == "LCG.CERN.cern" && (Memory >= 2048 || !isUndefined(x))'),
    );
    expect(attributeValue('member("x", {"a", "b"})')).toEqual(expr('member("x", {"a", "b"})'));
    expect(attributeValue('a =?= b')).toEqual(expr('a =?= b'));
  });

  it('reads a nested ClassAd', () => {
    expect(attributeValue('[ CPUTime = 100; Owner = "u" ]')).toEqual({
      kind: 'classad',
      attributes: [
        { name: 'CPUTime', value: num('100') },
        { name: 'Owner', value: str('u') },
      ],
    });
  });
});

describe('parseJdl: documents', () => {
  it('reads a document with or without its brackets', () => {
    const bracketed = parseJdl('[Executable = "x"; Priority = 1;]');
    expect(parseJdl('Executable = "x"; Priority = 1;')).toEqual(bracketed);
    expect(bracketed.attributes.map((a) => a.name)).toEqual(['Executable', 'Priority']);
  });

  it('accepts the last attribute without its ";" and stray ";"s', () => {
    expect(parseJdl('[;A = 1;; B = 2]')).toEqual(parseJdl('[A = 1; B = 2;]'));
  });

  it('reads an empty document', () => {
    expect(parseJdl('[]').attributes).toEqual([]);
    expect(parseJdl(' [ \n ] ').attributes).toEqual([]);
  });

  it('accepts any whitespace and line endings', () => {
    expect(parseJdl('\uFEFF[\r\n\tA\t=\r\n1 ;\r B=\n2\n]\n')).toEqual(parseJdl('[A = 1; B = 2]'));
  });

  it('skips // and /* */ comments', () => {
    const doc = parseJdl(`// leading
      [ /* before */ A /* around */ = /* value */ 1; // after
        B = x // trailing
          && y; /* multi
        line */ ]`);
    expect(doc.attributes).toEqual([
      { name: 'A', value: num('1') },
      { name: 'B', value: expr('x && y') },
    ]);
  });

  it('keeps "//" inside a word, so URLs and paths survive', () => {
    expect(attributeValue('https://host/a//b')).toEqual(expr('https://host/a//b'));
  });

  it('treats "#" as an ordinary character, not a comment', () => {
    expect(attributeValue('#5')).toEqual(expr('#5'));
  });

  it('preserves the case of names and treats differently-cased names as different, as DIRAC', () => {
    const doc = parseJdl('[Executable = "a"; executable = "b"]');
    expect(doc.attributes.map((a) => a.name)).toEqual(['Executable', 'executable']);
  });

  it('lets the last duplicate win, in the place of the first, as DIRAC', () => {
    expect(parseJdl('[A = "x"; B = 1; A = "y"]').attributes).toEqual([
      { name: 'A', value: str('y') },
      { name: 'B', value: num('1') },
    ]);
  });

  it('accepts dotted names such as Parameters.JOB_ID', () => {
    expect(parseJdl('[Parameters.JOB_ID = {1}]').attributes[0]?.name).toBe('Parameters.JOB_ID');
  });
});

describe('parseJdl: DiracX test JDLs', () => {
  it('reads TEST_JDL', () => {
    const doc = parseJdl(TEST_JDL);
    expect(doc.attributes.map((a) => a.name)).toEqual([
      'Arguments',
      'Executable',
      'JobGroup',
      'JobName',
      'JobType',
      'LogLevel',
      'OutputSandbox',
      'Priority',
      'Site',
      'StdError',
      'StdOutput',
    ]);
    expect(doc.attributes[2]?.value).toEqual(expr('jobGroup'));
    expect(doc.attributes[6]?.value).toEqual(list(expr('Script1_CodeOutput.log'), expr('std.err'), expr('std.out')));
  });

  it('reads TEST_PARAMETRIC_JDL with its nested lists of paths', () => {
    const doc = parseJdl(TEST_PARAMETRIC_JDL);
    const byName = new Map(doc.attributes.map((a) => [a.name, a.value]));
    expect(byName.get('InputData')).toEqual(expr('%(InputData)s'));
    expect(byName.get('Parameters')).toEqual(num('3'));
    expect(byName.get('Parameters.InputData')).toEqual(
      list(
        list(expr('/lhcb/data/data1'), expr('/lhcb/data/data2')),
        list(expr('/lhcb/data/data3'), expr('/lhcb/data/data4')),
        list(expr('/lhcb/data/data5'), expr('/lhcb/data/data6')),
      ),
    );
    expect(byName.get('Parameters.JOB_ID')).toEqual(list(num('1'), num('2'), num('3')));
  });
});

describe('parseJdlValue', () => {
  it('reads one value', () => {
    expect(parseJdlValue(' {"a", 2} ')).toEqual(list(str('a'), num('2')));
  });

  it('refuses anything after the value', () => {
    expect(() => parseJdlValue('1; 2')).toThrow('line 1, column 2: expected end of input but found ";"');
  });
});
