/**
 * The size check of parametric expansion is computed from the template and the values before
 * any job is built, so it must never under-count: for generated parametric JDLs (placeholders
 * in strings, expressions, lists and nested ClassAds; values with quotes, unicode, control
 * characters, lists and stray `%` that create further placeholders), limits one byte below the
 * real largest job, or the real total, are refused, and limits at the real sizes are not.
 */
import { describe, expect, it } from 'bun:test';
import fc from 'fast-check';
import { DiracxError } from '../../../../src/core/errors.ts';
import { generateParametricJobs } from '../../../../src/logic/jobs/jdl/parametric.ts';
import { parseJdl } from '../../../../src/logic/jobs/jdl/parse.ts';
import { printJdl, quoteJdlString } from '../../../../src/logic/jobs/jdl/print.ts';

const PLACEHOLDER = fc.constantFrom('%s', '%n', '%(A)s', '%(B)s', '%j', '%', '%%', '%(', 'A)s', 's');
const CHARS = fc.constantFrom('x', ' ', 'é', '"', '\\', '\n', '\t', '\u0001', '😀', '/lhcb/data/f.dst');
const TEXT = fc.array(fc.oneof(PLACEHOLDER, CHARS), { maxLength: 6 }).map((parts) => parts.join(''));
const WORDISH = fc
  .array(fc.oneof(PLACEHOLDER, fc.constantFrom('x', '_1', 'std.err', '.5')), { minLength: 1, maxLength: 3 })
  .map((p) => p.join(''));

/** Template values, as JDL source. */
const { value: VALUE } = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    TEXT.map(quoteJdlString),
    fc.constantFrom('%s', '%(A)s', '%(B)s', '%n', '1%n', 'other.Site == "%s"', 'x%(A)s', '42'),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `{${items.join(', ')}}`),
    fc.array(fc.tuple(fc.constantFrom('N', 'M', 'K'), tie('value')), { maxLength: 2 }).map((attrs) => {
      const unique = new Map(attrs);
      return `[${[...unique].map(([n, v]) => `${n} = ${v}`).join('; ')}]`;
    }),
  ),
}));

/** Parameter values: strings, words, numbers and small lists. */
const PARAM = fc.oneof(
  TEXT.map(quoteJdlString),
  WORDISH,
  fc.integer({ min: -5, max: 1000 }).map(String),
  fc
    .array(fc.oneof(TEXT.map(quoteJdlString), fc.constantFrom('a', 'b1')), { maxLength: 3 })
    .map((items) => `{${items.join(', ')}}`),
);

const JDL = fc
  .record({
    attrs: fc.array(VALUE, { minLength: 1, maxLength: 4 }),
    count: fc.integer({ min: 1, max: 4 }),
    named: fc.boolean(),
    seed: fc.array(PARAM, { minLength: 8, maxLength: 8 }),
  })
  .map(({ attrs, count, named, seed }) => {
    const list = (offset: number): string => `{${seed.slice(offset, offset + count).join(', ')}}`;
    const lines = attrs.map((v, i) => `A${i} = ${v};`);
    lines.push(`Parameters = ${list(0)};`);
    if (named) lines.push(`Parameters.A = ${list(4)};`, 'ParameterStart.B = 7;', 'ParameterStep.B = 3;');
    return `[${lines.join('\n')}]`;
  });

const bytes = (text: string): number => new TextEncoder().encode(text).length;
const LIFTED = { maxJobBytes: Number.MAX_SAFE_INTEGER, maxTotalBytes: Number.MAX_SAFE_INTEGER };

/** Whether expanding under `limits` is refused for its size (any other refusal is a test bug). */
function refusedForSize(text: string, limits: { maxJobBytes: number; maxTotalBytes: number }): boolean {
  try {
    generateParametricJobs(parseJdl(text), { maxJobs: 100, limits });
    return false;
  } catch (err) {
    if (err instanceof DiracxError && /DIRACX_JOB_SUBMISSION_MAX_(JDL|TOTAL)_BYTES/.test(err.message)) return true;
    throw err;
  }
}

describe('the size of a parametric expansion, computed before expanding', () => {
  it('is never less than the printed jobs', () => {
    let checked = 0;
    fc.assert(
      fc.property(JDL, (text) => {
        let sizes: number[];
        try {
          sizes = generateParametricJobs(parseJdl(text), { maxJobs: 100, limits: LIFTED }).map((job) =>
            bytes(printJdl(job)),
          );
        } catch (err) {
          // refused for its definition: nothing to size
          if (err instanceof DiracxError && err.code === 'INVALID_INPUT') return;
          throw err;
        }
        checked++;
        const largest = Math.max(...sizes);
        const total = sizes.reduce((a, b) => a + b, 0);
        expect(refusedForSize(text, { ...LIFTED, maxJobBytes: largest - 1 })).toBe(true);
        expect(refusedForSize(text, { ...LIFTED, maxTotalBytes: total - 1 })).toBe(true);
      }),
      { numRuns: 1500, seed: 16 },
    );
    expect(checked).toBeGreaterThan(300);
  });

  it('is exact, up to a few bytes per placeholder, for ordinary JDLs', () => {
    const text =
      '[Executable = "run.sh"; Arguments = "-n %n -f %s"; InputData ' +
      '= %s; Parameters = {{"/lhcb/a.dst", "/lhcb/b.dst"}, {"/lhcb/c.dst"}}]';
    const sizes = generateParametricJobs(parseJdl(text), { limits: LIFTED }).map((job) => bytes(printJdl(job)));
    const largest = Math.max(...sizes);
    expect(refusedForSize(text, { ...LIFTED, maxJobBytes: largest - 1 })).toBe(true);
    expect(refusedForSize(text, { ...LIFTED, maxJobBytes: largest + 8 })).toBe(false);
  });
});
