/**
 * The parametric definitions DIRAC refuses, each with DIRAC's message (the part inside its
 * `Invalid job description ( 1501 : ...)`), as a JdlParametricError (INVALID_INPUT), plus our
 * own: inf/nan numbers, too many jobs (before generating them), substitutions that break the
 * syntax or grow without bound.
 */
import { describe, expect, it } from 'bun:test';
import { JdlParametricError } from '../../../../src/logic/jobs/jdl/ast.ts';
import { generateParametricJobs } from '../../../../src/logic/jobs/jdl/parametric.ts';
import { MAX_SUBSTITUTED_LENGTH } from '../../../../src/logic/jobs/jdl/parametric-substitute.ts';
import { parseJdl } from '../../../../src/logic/jobs/jdl/parse.ts';

/** The error generateParametricJobs throws for `text`. */
function failure(text: string): JdlParametricError {
  try {
    generateParametricJobs(parseJdl(text));
  } catch (err) {
    if (err instanceof JdlParametricError) return err;
    throw err;
  }
  throw new Error(`expanded without error: ${text}`);
}

describe('generateParametricJobs errors', () => {
  it('is an INVALID_INPUT JdlParametricError', () => {
    expect(failure('[Parameters = 0]')).toMatchObject({ code: 'INVALID_INPUT', name: 'JdlParametricError' });
  });

  it.each([
    [
      'vectors of different lengths',
      '[Parameters = {a, b}; Parameters.X = {a, b, c}]',
      'Different length of parameter vectors: for Parameters.X, 2 != 3',
    ],
    [
      'a list next to a count that is not an integer (DIRAC crashes on its own format)',
      '[Parameters = {a, b}; Parameters.X = abc]',
      'Different length of parameter vectors: for Parameters.X, 2 != None',
    ],
    ['a zero count', '[Parameters = 0]', 'Illegal number of job parameters 0'],
    ['a negative count', '[Parameters = -2]', 'Illegal number of job parameters -2'],
    ['an empty list', '[Parameters = {}]', 'Illegal number of job parameters 0'],
    ['a count that is not a number', '[Parameters = abc]', 'Can not determine the number of job parameters'],
    ['a fractional count', '[Parameters = 2.5]', 'Can not determine the number of job parameters'],
    ['a named count', '[Parameters = 2; Parameters.X = 2]', 'Inconsistent parametric job description'],
    [
      'a count that is not an integer, its length given by a list',
      '[Parameters = "abc"; Parameters.A = {1, 2}]',
      'Inconsistent parametric job description: Parameters="abc"',
    ],
    [
      'a start that is not a number',
      '[Parameters = 3; ParameterStart = abc]',
      'Illegal value for ParameterStart JDL field: abc',
    ],
    [
      'a named step that is not a number',
      '[Parameters = 2; ParameterStep.A = x1; Parameters.A = {1, 2}]',
      'Illegal value for ParameterStep.A JDL field: x1',
    ],
    [
      'an infinite factor',
      '[Parameters = 2; ParameterFactor = inf]',
      'Illegal value for ParameterFactor JDL field: inf',
    ],
    [
      'a bad start before too many jobs, in the order DiracX checks them',
      '[Parameters = 100; ParameterStart = abc]',
      'Illegal value for ParameterStart JDL field: abc',
    ],
    [
      'too many jobs, before generating any',
      '[Parameters = 1000000000000]',
      'Normal user cannot submit more than 20 jobs at once',
    ],
    [
      'a substitution that breaks an expression',
      '[E = x%s; Parameters = {"a;b"}]',
      'Invalid value for E after parameter substitution: xa;b',
    ],
  ])('refuses %s', (_, text, message) => {
    expect(failure(text).message).toBe(message);
  });
});

describe('generateParametricJobs limits', () => {
  const chain = (to: string): string => `"${`%(${to})s`.repeat(200)}"`;
  const CHAIN = `[Arguments = "%(A)s"; Parameters.A = {${chain('B')}}; Parameters.B = {${chain('C')}};
      Parameters.C = {${chain('D')}}; Parameters.D = {"${'x'.repeat(100)}"}]`;

  it('refuses parameters that chain into an ever longer text before substituting anything', () => {
    // 200 x 200 x 200 x 100 bytes: the size computed from the values alone stops it.
    expect(() => generateParametricJobs(parseJdl(CHAIN))).toThrow(
      new RegExp(
        String.raw`^The job would have a JDL of \d{9} bytes, more than the 262144 allowed per job ` +
          String.raw`\(DIRACX_JOB_SUBMISSION_MAX_JDL_BYTES\)$`,
      ),
    );
  });

  it('still bounds each substitution when the size limits are lifted', () => {
    const lifted = { limits: { maxJobBytes: Number.MAX_SAFE_INTEGER, maxTotalBytes: Number.MAX_SAFE_INTEGER } };
    expect(() => generateParametricJobs(parseJdl(CHAIN), lifted)).toThrow(
      `Parameter substitution makes Arguments longer than ${MAX_SUBSTITUTED_LENGTH} characters`,
    );
  });
});
