/**
 * Parametric expansion against DIRAC: the cases of DIRACCommon's test_ParametricJob.py, DiracX's
 * TEST_PARAMETRIC_JDL and TEST_LARGE_PARAMETRIC_JDL, and what DIRAC does (checked by running
 * DIRACCommon 9.1.22) for placeholders and markers. Errors and sequences have their own files.
 */
import { describe, expect, it } from 'bun:test';
import type { JdlDocument, JdlValue } from '../../../../src/logic/jobs/jdl/ast.ts';
import { getAttribute, getString } from '../../../../src/logic/jobs/jdl/attributes.ts';
import {
  generateParametricJobs,
  getParameterVectorLength,
  isParametric,
} from '../../../../src/logic/jobs/jdl/parametric.ts';
import { parseJdl } from '../../../../src/logic/jobs/jdl/parse.ts';
import { DIRAC_PARAMETRIC, TEST_JDL, TEST_LARGE_PARAMETRIC_JDL, TEST_PARAMETRIC_JDL } from './fixtures.ts';

const expand = (text: string): JdlDocument[] => generateParametricJobs(parseJdl(text));
const strings = (jobs: JdlDocument[], name: string): (string | undefined)[] => jobs.map((j) => getString(j, name));

describe('getParameterVectorLength (test_ParametricJob.py)', () => {
  it.each([
    ['SIMPLE', DIRAC_PARAMETRIC.SIMPLE, 3],
    ['SIMPLE_BUNCH', DIRAC_PARAMETRIC.SIMPLE_BUNCH, 3],
    ['SIMPLE_PROGRESSION', DIRAC_PARAMETRIC.SIMPLE_PROGRESSION, 3],
    ['MULTI', DIRAC_PARAMETRIC.MULTI, 3],
    ['NO_PARAMETERS', DIRAC_PARAMETRIC.NO_PARAMETERS, undefined],
  ])('gives the length of %s', (_, text, length) => {
    expect(getParameterVectorLength(parseJdl(text))).toBe(length);
  });

  it('refuses MULTI_BAD, whose vectors differ in length', () => {
    expect(() => getParameterVectorLength(parseJdl(DIRAC_PARAMETRIC.MULTI_BAD))).toThrow(
      'Different length of parameter vectors: for Parameters.B, 3 != 4',
    );
  });
});

describe('generateParametricJobs (test_ParametricJob.py)', () => {
  it.each([
    ['SIMPLE', DIRAC_PARAMETRIC.SIMPLE, ['a', 'b', 'c']],
    ['SIMPLE_BUNCH', DIRAC_PARAMETRIC.SIMPLE_BUNCH, ['5', '5', '5']],
    ['SIMPLE_PROGRESSION', DIRAC_PARAMETRIC.SIMPLE_PROGRESSION, ['1', '3', '7']],
    ['MULTI', DIRAC_PARAMETRIC.MULTI, ['1 a', '3 b', '7 c']],
  ])('expands %s', (_, text, args) => {
    const jobs = expand(text);
    expect(strings(jobs, 'Arguments')).toEqual(args);
    expect(strings(jobs, 'JobName')).toEqual(['Test_0', 'Test_1', 'Test_2']);
  });

  it('gives a JDL without parameters back untouched', () => {
    const doc = parseJdl(DIRAC_PARAMETRIC.NO_PARAMETERS);
    expect(isParametric(doc)).toBe(false);
    expect(generateParametricJobs(doc)).toEqual([doc]);
    expect(isParametric(parseJdl(TEST_JDL))).toBe(false);
  });
});

describe('generateParametricJobs (DiracX)', () => {
  it('expands TEST_PARAMETRIC_JDL into the three jobs DIRAC makes', () => {
    const doc = parseJdl(TEST_PARAMETRIC_JDL);
    expect(isParametric(doc)).toBe(true);
    const [first, ...rest] = generateParametricJobs(doc);
    expect(rest).toHaveLength(2);
    const job = first as JdlDocument;
    expect(getString(job, 'Arguments')).toBe(
      'jobDescription.xml -o LogLevel=DEBUG  -p JOB_ID=1  -p InputData={/lhcb/data/data1,/lhcb/data/data2}',
    );
    const paths: JdlValue = {
      kind: 'list',
      items: [
        { kind: 'expression', raw: '/lhcb/data/data1' },
        { kind: 'expression', raw: '/lhcb/data/data2' },
      ],
    };
    expect(getAttribute(job, 'InputData')).toEqual(paths);
    expect(getAttribute(job, 'JOB_ID')).toEqual({ kind: 'number', value: 1, raw: '1' });
    expect(getAttribute(job, 'Parameter')).toEqual({ kind: 'string', value: '1' });
    expect(getAttribute(job, 'Parameter.InputData')).toEqual(paths);
    expect(getAttribute(job, 'Parameter.JOB_ID')).toEqual({ kind: 'string', value: '1' });
    expect(getAttribute(job, 'ParameterNumber')).toEqual({ kind: 'number', value: 0, raw: '0' });
    expect(job.attributes.filter((a) => /^Parameters|^ParameterSt|^ParameterF/.test(a.name))).toEqual([]);
    expect(strings(rest, 'Parameter.JOB_ID')).toEqual(['2', '3']);
  });

  it('refuses TEST_LARGE_PARAMETRIC_JDL: 100 jobs is over the limit of 20', () => {
    expect(() => expand(TEST_LARGE_PARAMETRIC_JDL)).toThrow('Normal user cannot submit more than 20 jobs at once');
  });

  it('takes another limit, and pads %n to the width of the last index', () => {
    const jobs = generateParametricJobs(parseJdl(TEST_LARGE_PARAMETRIC_JDL), { maxJobs: 100 });
    expect(jobs).toHaveLength(100);
    expect(getString(jobs[0] as JdlDocument, 'JobName')).toBe('Test_00');
    expect(getString(jobs[99] as JdlDocument, 'JobName')).toBe('Test_99');
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => generateParametricJobs(parseJdl(TEST_JDL), { maxJobs: 0 })).toThrow(TypeError);
  });
});

describe('generateParametricJobs placeholders', () => {
  it('leaves %j for submission to fill in', () => {
    expect(strings(expand('[Arguments = "%s %n %j"; Parameters = {x, y}]'), 'Arguments')).toEqual(['x 0 %j', 'y 1 %j']);
  });

  it('substitutes unnamed and named parameters together', () => {
    const jobs = expand(
      '[A = "%(A)s-%(B)s-%s"; Parameters = {x, y}; Parameters.A = {1, 2}; ParameterStart.B = 10; ParameterStep.B = 5]',
    );
    expect(strings(jobs, 'A')).toEqual(['1-10-x', '2-15-y']);
  });

  it('expands named parameters without an unnamed Parameters (DIRAC would not)', () => {
    const jobs = expand('[Arguments = "%(X)s"; Parameters.X = {a, b}]');
    expect(strings(jobs, 'Arguments')).toEqual(['a', 'b']);
    expect(strings(jobs, 'Parameter.X')).toEqual(['a', 'b']);
    expect(getAttribute(jobs[0] as JdlDocument, 'Parameter')).toBeUndefined();
  });

  it('splices a list parameter into a list, makes a bare placeholder the list, and writes it as {a,b} in text', () => {
    const [job] = expand(
      '[Files = {%s, "z"}; Quoted = {"%s"}; E = %s; Arguments = "%s"; Parameters = {{a, b}, {c, d}}]',
    );
    const a: JdlValue = { kind: 'expression', raw: 'a' };
    const b: JdlValue = { kind: 'expression', raw: 'b' };
    expect(getAttribute(job as JdlDocument, 'Files')).toEqual({
      kind: 'list',
      items: [a, b, { kind: 'string', value: 'z' }],
    });
    expect(getAttribute(job as JdlDocument, 'Quoted')).toEqual({
      kind: 'list',
      items: [{ kind: 'string', value: 'a,b' }],
    });
    expect(getAttribute(job as JdlDocument, 'E')).toEqual({ kind: 'list', items: [a, b] });
    expect(getString(job as JdlDocument, 'Arguments')).toBe('{a,b}');
    expect(getAttribute(job as JdlDocument, 'Parameter')).toEqual({ kind: 'list', items: [a, b] });
  });

  it('keeps the spaces of list parameters (DIRAC drops them)', () => {
    expect(strings(expand('[Arguments = "%s"; Parameters = {"hello world", "x"}]'), 'Arguments')).toEqual([
      'hello world',
      'x',
    ]);
  });

  it('substitutes inside expressions and nested ClassAds, reading the result again', () => {
    const [job] = expand('[Seed = 1%n; Req = other.Site == "%s"; Sub = [Name = "%s_%n"]; Parameters = {S1, S2}]');
    expect(getAttribute(job as JdlDocument, 'Seed')).toEqual({ kind: 'number', value: 10, raw: '10' });
    expect(getString(job as JdlDocument, 'Req')).toBe('other.Site == "S1"');
    expect(getAttribute(job as JdlDocument, 'Sub')).toEqual({
      kind: 'classad',
      attributes: [{ name: 'Name', value: { kind: 'string', value: 'S1_0' } }],
    });
  });

  it('does not substitute %n inside a parameter value, as DIRAC replaces %n first', () => {
    expect(strings(expand('[Arguments = "%s"; Parameters = {"a_%n"}]'), 'Arguments')).toEqual(['a_%n']);
  });

  it('overwrites an existing Parameter attribute in place', () => {
    const [job] = expand('[Parameter = "old"; A = 1; Parameters = {new}]');
    expect((job as JdlDocument).attributes.map((a) => a.name)).toEqual(['Parameter', 'A', 'ParameterNumber']);
    expect(getString(job as JdlDocument, 'Parameter')).toBe('new');
  });
});
