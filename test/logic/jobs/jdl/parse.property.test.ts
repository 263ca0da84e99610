/**
 * parseJdl and parseJdlValue on generated input (fast-check): arbitrary strings, token soup from
 * JDL's vocabulary, ClassAd-shaped near-JDL with dropped or doubled separators, and truncations
 * and mutations of valid JDLs. Each input either parses or is refused with a located
 * JdlSyntaxError (INVALID_INPUT), never anything else; large pathological inputs finish; and what
 * parses prints to text that parses back to the same tree (print.test.ts starts from trees, this
 * file from text).
 */
import { describe, expect, it } from 'bun:test';
import fc from 'fast-check';
import { InvalidInputError } from '../../../../src/core/errors.ts';
import { JdlSyntaxError, type JdlDocument } from '../../../../src/logic/jobs/jdl/ast.ts';
import { parseJdl, parseJdlValue } from '../../../../src/logic/jobs/jdl/parse.ts';
import { printJdl, printValue } from '../../../../src/logic/jobs/jdl/print.ts';
import { MUTATED_JDL, NEAR_CLASSAD, NEAR_VALUE, TOKEN_SOUP } from './arbitraries.ts';
import { TEST_MALFORMED_JDL } from './fixtures.ts';

/** Checks that `err` is the parser's typed refusal, located inside `text`. */
function expectSyntaxError(err: unknown, text: string): void {
  if (!(err instanceof JdlSyntaxError)) throw err;
  expect(err).toBeInstanceOf(InvalidInputError);
  expect(err.code).toBe('INVALID_INPUT');
  expect(err.message).toMatch(/^line \d+, column \d+: /);
  const lines = text.split(/\r\n|\r|\n/);
  expect(err.line).toBeGreaterThanOrEqual(1);
  expect(err.line).toBeLessThanOrEqual(lines.length);
  expect(err.column).toBeGreaterThanOrEqual(1);
  expect(err.column).toBeLessThanOrEqual((lines[err.line - 1]?.length ?? 0) + 1);
}

/** Parses `text`: a refusal must be a located JdlSyntaxError, a success must survive print → parse. */
function checkDocument(text: string): JdlDocument | undefined {
  let doc: JdlDocument;
  try {
    doc = parseJdl(text);
  } catch (err) {
    expectSyntaxError(err, text);
    return undefined;
  }
  const printed = printJdl(doc);
  expect(parseJdl(printed)).toEqual(doc);
  expect(printJdl(parseJdl(printed))).toBe(printed);
  return doc;
}

function checkValue(text: string): void {
  try {
    const value = parseJdlValue(text);
    expect(parseJdlValue(printValue(value))).toEqual(value);
  } catch (err) {
    expectSyntaxError(err, text);
  }
}

describe('parseJdl on generated input', () => {
  it('parses or refuses with a located JdlSyntaxError any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: 'grapheme' }),
          fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', ';', '=', 'a', ' ', '/', '*') }),
        ),
        (text) => {
          checkDocument(text);
          checkValue(text);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('parses or refuses token soup from the JDL vocabulary, and reads back what it accepts', () => {
    fc.assert(
      fc.property(TOKEN_SOUP, (text) => {
        checkDocument(text);
        checkValue(text);
      }),
      { numRuns: 400 },
    );
  });

  it('parses or refuses ClassAd-shaped near-JDL, and reads back what it accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(NEAR_CLASSAD, (text) => {
        if (checkDocument(text)) accepted++;
      }),
      { numRuns: 400 },
    );
    // The generator mostly writes valid JDL: the round trip is exercised, not only refusals.
    expect(accepted).toBeGreaterThan(50);
  });

  it('parses or refuses single near-JDL values', () => {
    fc.assert(fc.property(NEAR_VALUE, checkValue), { numRuns: 300 });
  });

  it('parses or refuses truncated and mutated valid JDLs', () => {
    fc.assert(
      fc.property(MUTATED_JDL, (text) => {
        checkDocument(text);
      }),
      { numRuns: 300 },
    );
  });

  it('finishes on large pathological input', () => {
    const chunks = [
      '(',
      '[',
      '{',
      '[A = ',
      '{1, ',
      '"\\u',
      '/*',
      '//',
      '"',
      'a ',
      '= ',
      '; ',
      '\\',
      'x == (',
      ' ',
      '\n',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...chunks),
        fc.constantFrom(...chunks),
        fc.integer({ min: 1_000, max: 50_000 }),
        (a, b, n) => {
          checkDocument(`[X = ${a.repeat(n)}${b.repeat(n)}`);
          checkDocument(a.repeat(n) + b);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('regressions found by the properties', () => {
  it('refuses a raw NUL outside a string (PostgreSQL text cannot store it), keeps one inside a string', () => {
    expect(() => parseJdl('[Executable = a\u0000b;]')).toThrow(JdlSyntaxError);
    expect(() => parseJdl('[Executable = a\u0000b;]')).toThrow('line 1, column 16: unexpected NUL character');
    const doc = parseJdl('[Executable = "a\u0000b";]');
    expect(printJdl(doc)).toBe('[\n    Executable = "a\\u0000b";\n]');
  });

  it('still refuses DiracX TEST_MALFORMED_JDL', () => {
    expect(() => parseJdl(TEST_MALFORMED_JDL)).toThrow(JdlSyntaxError);
  });
});
