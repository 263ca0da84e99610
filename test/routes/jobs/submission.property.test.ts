/**
 * `POST /api/jobs/jdl` on generated bodies (fast-check), through the in-process handler: any
 * JSON, lists of arbitrary strings, near-JDL and damaged JDLs, and well-formed JDLs whose stored
 * attributes (JobName, Site, JobGroup, JobType, InputData, Priority, parameters) take extreme
 * values. The answer is 201 or a 4xx with a JSON `detail`, never a 5xx, never database text;
 * no request logs an unhandled error. Regressions the property found are kept as cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import fc from 'fast-check';
import { quoteJdlString } from '../../../src/logic/jobs/jdl/print.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { INTERNALS } from '../../harness/leaks.ts';
import { runs } from '../../harness/property.ts';
import { MUTATED_JDL, NEAR_CLASSAD, STRING_BODY, TOKEN_SOUP } from '../../logic/jobs/jdl/arbitraries.ts';

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await createTestApp();
  token = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen');
});
afterAll(() => app.dispose());

async function submit(body: string): Promise<{ status: number; text: string }> {
  const res = await app.fetch('/api/jobs/jdl', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

const serverFaults = (from: number): Record<string, unknown>[] =>
  app.logs.slice(from).filter((l) => l.level === 'error');

/** The wire contract of every answer: 201, or a 4xx with a JSON detail; nothing internal. */
async function checkAnswer(body: string): Promise<number> {
  const before = app.logs.length;
  const res = await submit(body);
  expect(res.status === 201 || (res.status >= 400 && res.status < 500)).toBe(true);
  if (res.status !== 201) {
    const parsed = JSON.parse(res.text) as { detail?: unknown };
    expect(parsed.detail).toBeDefined();
    expect(typeof parsed.detail === 'string' ? parsed.detail.length : 1).toBeGreaterThan(0);
  }
  expect(res.text).not.toMatch(INTERNALS);
  expect(serverFaults(before)).toEqual([]);
  return res.status;
}

/** A text value as it may appear in a JDL: long, unicode, NUL, quotes, placeholders. */
const TEXT = fc.oneof(
  STRING_BODY,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 90, maxLength: 300 }),
  fc
    .tuple(fc.constantFrom('%j', '%s', '%n', 'é', 'a', '\u0000'), fc.integer({ min: 1, max: 300 }))
    .map(([s, n]) => s.repeat(n)),
);
const NUMBER_TEXT = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('1e400', '-1e400', '99999999999999999999', '3000000000', '-0', '0.5'),
);
const JDL_VALUE = fc.oneof(
  TEXT.map(quoteJdlString),
  NUMBER_TEXT,
  fc.array(TEXT.map(quoteJdlString), { maxLength: 4 }).map((items) => `{${items.join(', ')}}`),
  fc.constantFrom('ANY', 'true', 'other.Site == "X"', '%(InputData)s', '{}'),
);
/** Attributes, weighted towards those stored in their own columns (where a value can break the insert). */
const ATTRIBUTE = fc.oneof(
  { arbitrary: fc.constantFrom('JobName', 'Site', 'JobGroup', 'InputData'), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      'JobType',
      'Priority',
      'CPUTime',
      'Arguments',
      'InputSandbox',
      'OutputSandbox',
      'Platform',
      'Tags',
      'BannedSites',
      'Parameters',
      'Parameters.A',
      'ParameterStart',
      'ParameterStep',
      'ParameterFactor',
      'VirtualOrganization',
      'Owner',
      'JobID',
      'NumberOfProcessors',
      'LogLevel',
      'Foo',
    ),
    weight: 1,
  },
);
/** A well-formed JDL whose attributes take generated values. */
const SHAPED_JDL = fc
  .array(fc.tuple(ATTRIBUTE, JDL_VALUE), { minLength: 1, maxLength: 4 })
  .map((attributes) => `[Executable = "x"; ${attributes.map(([name, value]) => `${name} = ${value};`).join(' ')}]`);

const BODY = fc.oneof(
  { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 1 },
  { arbitrary: fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
  {
    arbitrary: fc
      .array(fc.oneof(TOKEN_SOUP, NEAR_CLASSAD, MUTATED_JDL), { minLength: 1, maxLength: 3 })
      .map((v) => JSON.stringify(v)),
    weight: 2,
  },
  { arbitrary: fc.array(SHAPED_JDL, { minLength: 1, maxLength: 2 }).map((v) => JSON.stringify(v)), weight: 4 },
  { arbitrary: fc.constantFrom('', '[', '["x"', 'null', '{"a":1}', '[1, 2]', '["[A=1]", null]'), weight: 1 },
);

describe('POST /api/jobs/jdl on generated bodies', () => {
  it('answers 201 or a 4xx with a JSON detail, never a 5xx or database text', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(BODY, async (body) => {
        const status = await checkAnswer(body);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
      // All 150 cases run; not finishing them in 30 s is a failure.
      runs(150, 30_000),
    );
    // Both sides are exercised: some bodies are accepted, some refused.
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  });
});

describe('regressions found by the properties', () => {
  it.each([
    [
      'a JobName longer than its column',
      `[Executable = "x"; JobName = "${'n'.repeat(129)}";]`,
      'JobName is too long: at most 128 characters, got 129',
    ],
    // A raw NUL: DIRAC's JDL has no escapes, so "\\u0000" is six characters there (issue 18, item 3).
    ['a JobName holding NUL', '[Executable = "x"; JobName = "a\u0000b";]', 'JobName must not contain NUL characters'],
    ['an Arguments holding NUL', '[Executable = "x"; Arguments = "a\u0000b";]', 'must not contain NUL characters'],
    ['a Site longer than its column', `[Executable = "x"; Site = "${'s'.repeat(101)}";]`, 'Site is too long'],
    [
      'a JobGroup longer than its column',
      `[Executable = "x"; JobGroup = "${'g'.repeat(33)}";]`,
      'JobGroup is too long',
    ],
    [
      'an InputData LFN longer than its column',
      `[Executable = "x"; InputData = {"/lhcb/${'f'.repeat(300)}"};]`,
      'InputData is too long',
    ],
    [
      'an InputData LFN holding NUL',
      '[Executable = "x"; InputData = {"/lhcb/a\u0000"};]',
      'InputData must not contain NUL characters',
    ],
    ['a JobName that %j makes too long', `[Executable = "x"; JobName = "${'%j'.repeat(100)}";]`, 'JobName is too long'],
    [
      'a parameter that puts NUL into JobName',
      '[Executable = "x"; JobName = "j%s"; Parameters = {"a\u0000", "b"};]',
      'JobName must not contain NUL characters',
    ],
    ['a raw NUL in an expression', '[Executable = a\u0000b;]', 'unexpected NUL character'],
  ])('answers 400 to %s (a 500 before)', async (_name, jdl, detail) => {
    const res = await submit(JSON.stringify([jdl]));
    expect(res.status).toBe(400);
    expect((JSON.parse(res.text) as { detail: string }).detail).toContain(detail);
  });

  it('counts a column width in characters, not UTF-16 units', async () => {
    const res = await submit(JSON.stringify([`[Executable = "x"; JobName = "${'😀'.repeat(128)}";]`]));
    expect(res.status).toBe(201);
  });
});
