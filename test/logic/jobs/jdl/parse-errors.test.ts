/**
 * parseJdl's refusals: each kind of malformed JDL gives a JdlSyntaxError (INVALID_INPUT) with the
 * 1-based line and column of the offending character and a message naming what was expected
 * and what was found, including DiracX's TEST_MALFORMED_JDL.
 */
import { describe, expect, it } from 'bun:test';
import { JdlSyntaxError } from '../../../../src/logic/jobs/jdl/ast.ts';
import { MAX_JDL_NESTING, parseJdl } from '../../../../src/logic/jobs/jdl/parse.ts';
import { TEST_MALFORMED_JDL } from './fixtures.ts';

/** The error parseJdl throws for `text`. */
function failure(text: string): JdlSyntaxError {
  try {
    parseJdl(text);
  } catch (err) {
    if (err instanceof JdlSyntaxError) return err;
    throw err;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('parseJdl errors', () => {
  it('is an INVALID_INPUT JdlSyntaxError carrying line, column and reason', () => {
    const err = failure('[\n  A "x";\n]');
    expect(err).toMatchObject({ code: 'INVALID_INPUT', name: 'JdlSyntaxError', line: 2, column: 5 });
    expect(err.reason).toBe('expected "=" after "A" but found the string "x"');
    expect(err.message).toBe('line 2, column 5: expected "=" after "A" but found the string "x"');
  });

  it.each([
    ['empty input', '', 'line 1, column 1: expected "[" or an attribute name but found end of input'],
    ['blank input', '  \n  ', 'line 2, column 3: expected "[" or an attribute name but found end of input'],
    [
      'a missing ";" before a name',
      '[\n    JobName = "x";\nA = "123456" Executable = "e";\n]',
      'line 3, column 14: expected ";" or "]" but found "Executable"',
    ],
    [
      'a missing ";" after a bare word, without brackets',
      'JobGroup = jobGroup\n JobName = jobName;',
      'line 2, column 2: expected ";" or end of input but found "JobName"',
    ],
    ['two strings in a row', '[A = "x" "y"]', 'line 1, column 10: expected ";" or "]" but found the string "y"'],
    ['a list missing a ","', '[A = {"a" "b"}]', 'line 1, column 11: expected "," or "}" but found the string "b"'],
    ['a missing value', '[A = ;]', 'line 1, column 6: expected a value but found ";"'],
    ['an empty list item', '[A = {1,,2}]', 'line 1, column 9: expected a value but found ","'],
    ['a missing name', '[A = 1; = 2]', 'line 1, column 9: expected an attribute name or "]" but found "="'],
    ['an invalid name', '[1A = 2]', 'line 1, column 2: expected an attribute name or "]" but found "1A"'],
    ['"==" in place of "="', '[A == 1]', 'line 1, column 4: expected "=" after "A" but found "=="'],
    [
      'a lone "=" inside an expression',
      '[A = f(b = 1)]',
      'line 1, column 10: unexpected "=" in an expression (comparisons use "==")',
    ],
    ['an unterminated string', '[\n  A = "abc;\n]', "line 2, column 7: unterminated string (missing closing '\"')"],
    ['a backslash at the very end', '[A = "abc\\', "line 1, column 6: unterminated string (missing closing '\"')"],
    ['a short \\u escape', '[A = "\\u12"]', 'line 1, column 7: invalid escape "\\u12" (expected 4 hexadecimal digits)'],
    ['an unterminated comment', '[A = 1 /* never closed ]', 'line 1, column 8: unterminated comment (missing "*/")'],
    [
      'an unclosed "["',
      '[\n  A = 1;\n',
      'line 3, column 1: expected an attribute name or "]" but ' +
        'found end of input (the "[" at line 1, column 1 is not closed)',
    ],
    [
      'an unclosed "{"',
      '[A = {1,\n 2',
      'line 2, column 3: expected "," or "}" but found end of input (the "{" at line 1, column 6 is not closed)',
    ],
    [
      'an unclosed "("',
      '[A = f(1, 2',
      'line 1, column 12: expected ")" but found end of input (the "(" at line 1, column 7 is not closed)',
    ],
    ['a mismatched closer', '[A = f(1, 2]', 'line 1, column 12: expected ")" but found "]"'],
    ['a stray ")"', '[A = 1)]', 'line 1, column 7: expected ";" or "]" but found ")"'],
    ['a "]" without "["', 'A = 1 ]', 'line 1, column 7: expected ";" or end of input but found "]"'],
    [
      'text after the closing "]"',
      '[A = 1]\nB = 2',
      'line 2, column 1: expected end of input after the closing "]" but found "B"',
    ],
    ['a second "]"', '[A = 1]]', 'line 1, column 8: expected end of input after the closing "]" but found "]"'],
    ['a value after a list', '[A = {1} 2]', 'line 1, column 10: expected ";" or "]" but found "2"'],
    [
      'an unclosed nested ClassAd',
      '[R = [C = 1;',
      'line 1, column 13: expected an attribute name or "]" ' +
        'but found end of input (the "[" at line 1, column 6 is not closed)',
    ],
  ])('reports %s', (_, text, message) => {
    expect(failure(text).message).toBe(message);
  });

  it('counts \\r\\n and lone \\r as one line break each', () => {
    expect(failure('[\r\nA = 1;\r\rB "x"]')).toMatchObject({ line: 4, column: 3 });
  });

  it('shortens a long token in the message', () => {
    expect(failure(`[A = 1 ${'x'.repeat(60)} = 2]`).reason).toBe(
      `expected ";" or "]" but found "${'x'.repeat(37)}..."`,
    );
  });

  it("refuses DiracX's TEST_MALFORMED_JDL (a single-quoted attribute)", () => {
    expect(failure(TEST_MALFORMED_JDL).message).toBe(
      'line 3, column 5: expected an attribute name or "]" but found "\'Executable"',
    );
  });
});

describe('parseJdl limits', () => {
  it('refuses lists nested deeper than MAX_JDL_NESTING, before the stack runs out', () => {
    const deep = `[A = ${'{'.repeat(MAX_JDL_NESTING + 1)}${'}'.repeat(MAX_JDL_NESTING + 1)}]`;
    expect(failure(deep).message).toBe(
      `line 1, column ${6 + MAX_JDL_NESTING}: too deeply nested (more than ${MAX_JDL_NESTING} levels of "{" and "[")`,
    );
    expect(() => parseJdl(`[A = ${'{'.repeat(MAX_JDL_NESTING)}${'}'.repeat(MAX_JDL_NESTING)}]`)).not.toThrow();
  });

  it('reads a document of 20 000 attributes', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `A${i} = ${i};`).join('\n');
    expect(parseJdl(many).attributes).toHaveLength(20_000);
  });
});
