/**
 * fast-check arbitraries of JDL text for the property tests of the parser and of submission:
 * token soup, ClassAd-shaped near-JDL (separators sometimes missing or wrong), and valid JDLs
 * (DiracX's fixtures or generated) damaged by truncation, cuts, insertions and doubled slices.
 */
import fc from 'fast-check';
import { parseJdl } from '../../../../src/logic/jobs/jdl/parse.ts';
import { TEST_JDL, TEST_LARGE_PARAMETRIC_JDL, TEST_PARAMETRIC_JDL } from './fixtures.ts';

/** Attribute names: random identifiers and the ones DIRAC gives meaning to. */
export const NAME = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,8}$/),
  fc.constantFrom(
    'Executable',
    'Arguments',
    'JobName',
    'Site',
    'InputData',
    'Parameters',
    'Parameters.A',
    'Priority',
    'JOB_ID',
  ),
);
/** The inside of a string literal: graphemes, escapes (good and bad), placeholders, NUL, lone surrogates. */
export const STRING_BODY = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 4 }),
      fc.constantFrom(
        '\\"',
        '\\\\',
        '\\n',
        '\\t',
        '\\u00e9',
        '\\u12',
        '\\uZZZZ',
        '\\d+',
        '\\',
        '%s',
        '%(X)s',
        '%n',
        '%j',
        ';',
        ']',
        '=',
        '//',
        '/*',
        '\n',
        '\u0000',
        '\ud800',
        '😀',
      ),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));
const STRING = STRING_BODY.map((body) => `"${body}"`);
const NUMBER = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true }).map(String),
  fc.constantFrom('1e999', '-.5', '+2.', '0x1F', '1.2.3', '1e', '007', '-0', '9007199254740993', '.'),
);
const WORD = fc.oneof(
  NAME,
  fc.constantFrom(
    'ANY',
    'true',
    'FALSE',
    'std.err',
    '/lhcb/data/f1',
    '%(InputData)s',
    'https://host//path',
    'other.Site',
    'é',
    'Ω_x',
  ),
);
const OPERATOR = fc.constantFrom('==', '!=', '=?=', '=!=', '<', '<=', '>', '>=', '&&', '||', '!', '+', '-', '*', '/');
const TRIVIA = fc.constantFrom(
  ' ',
  '  ',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\u00a0',
  '\u2028',
  '// c\n',
  '/* c */',
  '/**/',
  '/* ; ] */',
  '',
);
const PUNCT = fc.constantFrom('[', ']', '{', '}', '(', ')', ';', ',', '=');

/** Any token JDL knows, or a broken one (unterminated string or comment, NUL, lone surrogate). */
const TOKEN = fc.oneof(
  { arbitrary: PUNCT, weight: 4 },
  { arbitrary: STRING, weight: 2 },
  { arbitrary: NUMBER, weight: 2 },
  { arbitrary: WORD, weight: 3 },
  { arbitrary: OPERATOR, weight: 1 },
  { arbitrary: TRIVIA, weight: 2 },
  { arbitrary: fc.constantFrom('"open', '/* open', '\u0000', '\ud800', '\\', '"\\u00"'), weight: 1 },
);
/** Tokens of JDL (and broken ones) in any order, with trivia between them. */
export const TOKEN_SOUP = fc.array(fc.tuple(TOKEN, TRIVIA), { maxLength: 40 }).map((parts) => parts.flat().join(''));

/** What separates two parts of a ClassAd: usually the right thing, sometimes nothing or a wrong one. */
const sep = (right: string): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.constant(right), weight: 12 },
    { arbitrary: fc.constantFrom('', ';', ',', ';;', '=', ' '), weight: 1 },
  );

/** ClassAd-shaped text: `[ Name = value; ... ]` with lists, nested ClassAds, expressions and trivia. */
export const { classad: NEAR_CLASSAD, value: NEAR_VALUE } = fc.letrec<{ value: string; classad: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    STRING,
    NUMBER,
    WORD,
    fc.tuple(WORD, OPERATOR, fc.oneof(STRING, NUMBER, WORD)).map((parts) => parts.join(' ')),
    fc
      .tuple(fc.constantFrom('member', 'isUndefined', ''), fc.array(fc.oneof(STRING, WORD), { maxLength: 3 }))
      .map(([f, args]) => `${f}(${args.join(', ')})`),
    fc
      .tuple(sep('{'), fc.array(fc.tuple(tie('value'), sep(', ')), { maxLength: 4 }), sep('}'))
      .map(
        ([open, items, close]) =>
          `${open}${items.map(([v, s], i) => (i < items.length - 1 ? v + s : v)).join('')}${close}`,
      ),
    tie('classad'),
  ),
  classad: fc
    .tuple(
      sep('['),
      fc.array(fc.tuple(TRIVIA, NAME, sep(' = '), tie('value'), sep(';'), TRIVIA), { maxLength: 5 }),
      sep(']'),
    )
    .map(([open, attributes, close]) => `${open}${attributes.map((a) => a.join('')).join('')}${close}`),
}));

/** A valid JDL of the fixtures or generated from the near-JDL grammar without mistakes, then damaged. */
export const VALID_JDL = fc.oneof(
  fc.constantFrom(
    TEST_JDL,
    TEST_PARAMETRIC_JDL,
    TEST_LARGE_PARAMETRIC_JDL,
    '[Executable = "x"; L = {"a", {1, 2}}; R = [C = 1]]',
  ),
  NEAR_CLASSAD.filter((text) => {
    try {
      parseJdl(text);
      return true;
    } catch {
      return false;
    }
  }),
);
type Mutation = (text: string) => string;
const MUTATION: fc.Arbitrary<Mutation> = fc.oneof(
  fc.nat().map(
    (at): Mutation =>
      (t) =>
        t.slice(0, at % (t.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.nat({ max: 8 })).map(
    ([at, n]): Mutation =>
      (t) => {
        const i = at % (t.length + 1);
        return t.slice(0, i) + t.slice(i + n);
      },
  ),
  fc.tuple(fc.nat(), TOKEN).map(
    ([at, token]): Mutation =>
      (t) => {
        const i = at % (t.length + 1);
        return t.slice(0, i) + token + t.slice(i);
      },
  ),
  fc.tuple(fc.nat(), fc.nat({ max: 30 })).map(
    ([at, n]): Mutation =>
      (t) => {
        const i = at % (t.length + 1);
        return t.slice(0, i) + t.slice(i, i + n) + t.slice(i);
      },
  ),
);
/** A valid JDL truncated, cut, with tokens inserted or slices doubled. */
export const MUTATED_JDL = fc
  .tuple(VALID_JDL, fc.array(MUTATION, { minLength: 1, maxLength: 4 }))
  .map(([text, mutations]) => mutations.reduce((t, m) => m(t), text));
