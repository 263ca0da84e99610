/**
 * Parameter sequences as DIRAC computes them in Python: int or float start/step/factor, exact
 * big integers, and floats printed as Python's str(float). Expected values come from running
 * DIRACCommon 9.1.22's generateParametricJobs and Python 3.11's repr.
 */
import { describe, expect, it } from 'bun:test';
import { getString } from '../../../../src/logic/jobs/jdl/attributes.ts';
import { generateParametricJobs } from '../../../../src/logic/jobs/jdl/parametric.ts';
import { formatPythonFloat, readPyInt, readPyNumber } from '../../../../src/logic/jobs/jdl/parametric-sequence.ts';
import { parseJdl, parseJdlValue } from '../../../../src/logic/jobs/jdl/parse.ts';

/** The `%s` values of `Parameters = <count>` with the given extra definitions. */
function sequence(count: number, definitions: string): (string | undefined)[] {
  const jobs = generateParametricJobs(parseJdl(`[A = "%s"; Parameters = ${count}; ${definitions}]`), { maxJobs: 100 });
  return jobs.map((job) => getString(job, 'A'));
}

describe('parameter sequences', () => {
  it.each([
    ['the defaults (start 1, step 0, factor 1)', 3, '', ['1', '1', '1']],
    ['an arithmetic integer sequence', 4, 'ParameterStart = 10; ParameterStep = -3', ['10', '7', '4', '1']],
    ['a geometric integer sequence', 3, 'ParameterStart = 1; ParameterStep = 1; ParameterFactor = 2', ['1', '3', '7']],
    ['negative factors', 3, 'ParameterStart = -2; ParameterStep = -3; ParameterFactor = -1', ['-2', '-1', '-2']],
    ['a quoted start, read as DIRAC does', 2, 'ParameterStart = "7"', ['7', '7']],
    [
      'float steps with their rounding',
      4,
      'ParameterStart = 0.1; ParameterStep = 0.2',
      ['0.1', '0.30000000000000004', '0.5', '0.7'],
    ],
    ['an int start turned float by a float step', 3, 'ParameterStart = 2; ParameterStep = 0.5', ['2.0', '2.5', '3.0']],
    ['a float factor', 3, 'ParameterStart = 1; ParameterFactor = 0.5', ['1.0', '0.5', '0.25']],
    ['a float start with an int step', 3, 'ParameterStart = 2.5; ParameterStep = -1', ['2.5', '1.5', '0.5']],
    ['an exponent start, a float', 2, 'ParameterStart = 1e3', ['1000.0', '1000.0']],
    [
      'floats past 1e16 in exponent form',
      4,
      'ParameterStart = 1e15; ParameterFactor = 10',
      ['1000000000000000.0', '1e+16', '1e+17', '1e+18'],
    ],
    [
      'small floats in exponent form',
      3,
      'ParameterStart = 0.00001; ParameterFactor = 0.1',
      ['1e-05', '1.0000000000000002e-06', '1.0000000000000002e-07'],
    ],
    [
      'a float overflowing to inf, as Python does',
      2,
      'ParameterStart = 1e308; ParameterFactor = 10',
      ['1e+308', 'inf'],
    ],
  ])('computes %s', (_, count, definitions, expected) => {
    expect(sequence(count, definitions)).toEqual(expected);
  });

  it('keeps integers exact beyond 2^53, as Python ints', () => {
    const values = sequence(20, 'ParameterStart = 3; ParameterFactor = 100');
    expect(values[4]).toBe('300000000');
    expect(values[19]).toBe(`3${'00'.repeat(19)}`);
  });

  it('prefers a list over start/step/factor for the same sequence', () => {
    expect(
      generateParametricJobs(parseJdl('[A = "%s"; Parameters = {x, y}; ParameterStart = 5]')).map((j) =>
        getString(j, 'A'),
      ),
    ).toEqual(['x', 'y']);
  });
});

describe('formatPythonFloat', () => {
  it.each([
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [2, '2.0'],
    [-2.5, '-2.5'],
    [1e16, '1e+16'],
    [9999999999999998, '9999999999999998.0'],
    [1234567890123456.8, '1234567890123456.8'], // the same double as 1234567890123456.7 and .75
    [1e-4, '0.0001'],
    [1e-5, '1e-05'],
    [123456789.125, '123456789.125'],
    [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'],
    [1e22, '1e+22'],
    [0, '0.0'],
    [-0, '-0.0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ])('prints %p as Python prints it', (value, text) => {
    expect(formatPythonFloat(value)).toBe(text);
  });
});

describe('readPyInt and readPyNumber', () => {
  it("read what Python's int() reads, quotes stripped", () => {
    expect(readPyInt(parseJdlValue('+5'))).toBe(5n);
    expect(readPyInt(parseJdlValue('"007"'))).toBe(7n);
    expect(readPyInt(parseJdlValue('" 12 "'))).toBe(12n);
    expect(readPyInt(parseJdlValue('2.5'))).toBeUndefined();
    expect(readPyInt(parseJdlValue('{1}'))).toBeUndefined();
  });

  it('fall back to float, refusing what is not a finite number', () => {
    expect(readPyNumber(parseJdlValue('3'))).toEqual({ kind: 'int', value: 3n });
    expect(readPyNumber(parseJdlValue('-1.5e2'))).toEqual({ kind: 'float', value: -150 });
    expect(readPyNumber(parseJdlValue('1e999'))).toBeUndefined();
    expect(readPyNumber(parseJdlValue('nan'))).toBeUndefined();
    expect(readPyNumber(parseJdlValue('abc'))).toBeUndefined();
  });
});
