/**
 * Validation errors through the handler, in FastAPI/pydantic's shape (issue 18, item 3): the
 * expected bodies are what FastAPI 0.165 / pydantic 2.14 answer for DiracX 0.7.0's signatures
 * (the same models, constraints and parameters, run side by side): query, path and body errors,
 * nested body fields, dict keys, extra fields, missing fields and bodies, and malformed JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createTestApp, type TestApp } from '../harness/app.ts';

let app: TestApp;
let token = '';
beforeAll(async () => {
  app = await createTestApp();
  token = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen');
});
afterAll(() => app.dispose());

/** Sends `body` as the raw text of a JSON request. */
async function send(method: string, path: string, body?: string): Promise<{ status: number; body: unknown }> {
  const res = await app.fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, body: await res.json() };
}
const invalid = (...detail: object[]) => ({ status: 422, body: { detail } });

const INT_PARSING = 'Input should be a valid integer, unable to parse string as an integer';

describe('query parameters', () => {
  it('answers greater_than_equal and less_than_equal with the string received and the bound', async () => {
    expect(await send('POST', '/api/jobs/search?page=0', '{}')).toEqual(
      invalid({
        type: 'greater_than_equal',
        loc: ['query', 'page'],
        msg: 'Input should be greater than or equal to 1',
        input: '0',
        ctx: { ge: 1 },
      }),
    );
    expect(await send('POST', '/api/jobs/search?per_page=100000', '{}')).toEqual(
      invalid({
        type: 'less_than_equal',
        loc: ['query', 'per_page'],
        msg: 'Input should be less than or equal to 10000',
        input: '100000',
        ctx: { le: 10000 },
      }),
    );
  });

  it('answers int_parsing for a word or a fraction, and bool_parsing for a flag', async () => {
    for (const page of ['abc', '1.5'])
      expect(await send('POST', `/api/jobs/search?page=${page}`, '{}')).toEqual(
        invalid({ type: 'int_parsing', loc: ['query', 'page'], msg: INT_PARSING, input: page }),
      );
    expect(await send('PATCH', '/api/jobs/status?force=maybe', '{}')).toEqual(
      invalid({
        type: 'bool_parsing',
        loc: ['query', 'force'],
        msg: 'Input should be a valid boolean, unable to interpret input',
        input: 'maybe',
      }),
    );
  });

  it('answers missing, with no input, for a required parameter left out', async () => {
    expect(await send('GET', '/api/jobs/sandbox')).toEqual(
      invalid({ type: 'missing', loc: ['query', 'pfn'], msg: 'Field required', input: null }),
    );
  });
});

describe('path parameters', () => {
  it('answers int_parsing and literal_error, each at its parameter', async () => {
    expect(await send('GET', '/api/jobs/abc/sandbox/foo')).toEqual(
      invalid(
        { type: 'int_parsing', loc: ['path', 'job_id'], msg: INT_PARSING, input: 'abc' },
        {
          type: 'literal_error',
          loc: ['path', 'sandbox_type'],
          msg: "Input should be 'input' or 'output'",
          input: 'foo',
          ctx: { expected: "'input' or 'output'" },
        },
      ),
    );
  });
});

describe('bodies', () => {
  const sandbox = (fields: object) => send('POST', '/api/jobs/sandbox', JSON.stringify(fields));

  it('answers enum, string_pattern_mismatch and greater_than_equal with the values sent', async () => {
    expect(await sandbox({ checksum_algorithm: 'md5', checksum: 'zz', size: 0, format: 'zip' })).toEqual(
      invalid(
        {
          type: 'enum',
          loc: ['body', 'checksum_algorithm'],
          msg: "Input should be 'sha256'",
          input: 'md5',
          ctx: { expected: "'sha256'" },
        },
        {
          type: 'string_pattern_mismatch',
          loc: ['body', 'checksum'],
          msg: "String should match pattern '^[0-9a-fA-F]{64}$'",
          input: 'zz',
          ctx: { pattern: '^[0-9a-fA-F]{64}$' },
        },
        {
          type: 'greater_than_equal',
          loc: ['body', 'size'],
          msg: 'Input should be greater than or equal to 1',
          input: 0,
          ctx: { ge: 1 },
        },
        {
          type: 'enum',
          loc: ['body', 'format'],
          msg: "Input should be 'tar.bz2' or 'tar.zst'",
          input: 'zip',
          ctx: { expected: "'tar.bz2' or 'tar.zst'" },
        },
      ),
    );
  });

  it('answers missing with the enclosing object as input, for every missing field', async () => {
    expect(await sandbox({})).toEqual(
      invalid(
        ...['checksum_algorithm', 'checksum', 'size', 'format'].map((field) => ({
          type: 'missing',
          loc: ['body', field],
          msg: 'Field required',
          input: {},
        })),
      ),
    );
  });

  it('answers the type errors pydantic names: string_type, int_parsing, int_from_float, enum of null', async () => {
    const checksum = 'a'.repeat(64);
    expect(await sandbox({ checksum_algorithm: 'sha256', checksum: 5, size: 'x', format: 'tar.zst' })).toEqual(
      invalid(
        { type: 'string_type', loc: ['body', 'checksum'], msg: 'Input should be a valid string', input: 5 },
        { type: 'int_parsing', loc: ['body', 'size'], msg: INT_PARSING, input: 'x' },
      ),
    );
    expect(await sandbox({ checksum_algorithm: 'sha256', checksum, size: 1.5, format: null })).toEqual(
      invalid(
        {
          type: 'int_from_float',
          loc: ['body', 'size'],
          msg: 'Input should be a valid integer, got a number with a fractional part',
          input: 1.5,
        },
        {
          type: 'enum',
          loc: ['body', 'format'],
          msg: "Input should be 'tar.bz2' or 'tar.zst'",
          input: null,
          ctx: { expected: "'tar.bz2' or 'tar.zst'" },
        },
      ),
    );
  });

  it('answers a body of the wrong kind at ["body"]: model_attributes_type, list_type, dict_type', async () => {
    expect(await send('POST', '/api/jobs/sandbox', '[]')).toEqual(
      invalid({
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: [],
      }),
    );
    expect(await send('POST', '/api/jobs/jdl', '{}')).toEqual(
      invalid({ type: 'list_type', loc: ['body'], msg: 'Input should be a valid list', input: {} }),
    );
    expect(await send('PATCH', '/api/jobs/status', '[]')).toEqual(
      invalid({ type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: [] }),
    );
  });

  it('answers string_too_long before the pattern, and the pattern of a body that is one string', async () => {
    const long = `/S3/sandboxes/lhcb/lhcb_user/chaen/sha256:${'a'.repeat(300)}.tar.zst`;
    expect(await send('PATCH', '/api/jobs/1/sandbox/output', JSON.stringify(long))).toEqual(
      invalid({
        type: 'string_too_long',
        loc: ['body'],
        msg: 'String should have at most 256 characters',
        input: long,
        ctx: { max_length: 256 },
      }),
    );
    // DiracX's SANDBOX_PFN_REGEX, as its Python source reads.
    const pattern =
      String.raw`^(:?SB:[A-Za-z]+\|)?/S3/[a-z0-9\.\-]{3,63}` +
      String.raw`(?:/[^/]+){3}/[a-z0-9]{3,10}:[0-9a-f]{64}\.[a-z0-9\.]+$`;
    expect(await send('PATCH', '/api/jobs/1/sandbox/output', '"x"')).toEqual(
      invalid({
        type: 'string_pattern_mismatch',
        loc: ['body'],
        msg: `String should match pattern '${pattern}'`,
        input: 'x',
        ctx: { pattern },
      }),
    );
  });

  it('answers missing at ["body"] for an empty required body', async () => {
    expect(await send('POST', '/api/jobs/sandbox', '')).toEqual(
      invalid({ type: 'missing', loc: ['body'], msg: 'Field required', input: null }),
    );
  });

  it('reads an empty optional body as none, as FastAPI does', async () => {
    expect((await send('POST', '/api/jobs/search', '')).status).toBe(200);
  });
});

describe('nested body fields', () => {
  it('locates list items, dict keys ("[key]") and fields of nested models', async () => {
    expect(await send('POST', '/api/jobs/sandbox/unassign', '{"job_ids": ["a", 1.5, null]}')).toEqual(
      invalid(
        { type: 'int_parsing', loc: ['body', 'job_ids', 0], msg: INT_PARSING, input: 'a' },
        {
          type: 'int_from_float',
          loc: ['body', 'job_ids', 1],
          msg: 'Input should be a valid integer, got a number with a fractional part',
          input: 1.5,
        },
        { type: 'int_type', loc: ['body', 'job_ids', 2], msg: 'Input should be a valid integer', input: null },
      ),
    );
    expect(await send('PATCH', '/api/jobs/status', '{"x": {}}')).toEqual(
      invalid({ type: 'int_parsing', loc: ['body', 'x', '[key]'], msg: INT_PARSING, input: 'x' }),
    );
    const at = '2024-01-01T00:00:00Z';
    const res = await send(
      'PATCH',
      '/api/jobs/status',
      JSON.stringify({ 1: { [at]: { Status: 'Bogus', MinorStatus: 5 } } }),
    );
    expect(res.status).toBe(422);
    const [status, minor] = (
      res.body as { detail: { type: string; loc: unknown[]; msg: string; input: unknown; ctx?: object }[] }
    ).detail;
    expect(status).toMatchObject({ type: 'enum', loc: ['body', '1', at, 'Status'], input: 'Bogus' });
    expect(status?.ctx).toHaveProperty('expected');
    expect(minor).toEqual({
      type: 'string_type',
      loc: ['body', '1', at, 'MinorStatus'],
      msg: 'Input should be a valid string',
      input: 5,
    });
  });

  it('answers extra_forbidden with the extra value, and float_parsing, in a model that forbids extras', async () => {
    expect(await send('PATCH', '/api/jobs/heartbeat', '{"1": {"Bogus": 1, "LoadAverage": "x"}}')).toEqual(
      invalid(
        {
          type: 'float_parsing',
          loc: ['body', '1', 'LoadAverage'],
          msg: 'Input should be a valid number, unable to parse string as a number',
          input: 'x',
        },
        { type: 'extra_forbidden', loc: ['body', '1', 'Bogus'], msg: 'Extra inputs are not permitted', input: 1 },
      ),
    );
  });
});

describe('malformed JSON', () => {
  const jsonInvalid = (pos: number, error: string) =>
    invalid({ type: 'json_invalid', loc: ['body', pos], msg: 'JSON decode error', input: {}, ctx: { error } });

  it.each([
    ['{bad json', 1, 'Expecting property name enclosed in double quotes'],
    ['{"a": 1,}', 8, 'Expecting property name enclosed in double quotes'],
    ['[1, 2', 5, "Expecting ',' delimiter"],
    ['{"a": 1} x', 9, 'Extra data'],
    ['"abc', 0, 'Unterminated string starting at'],
    ['{"a" 1}', 5, "Expecting ':' delimiter"],
    ['   ', 3, 'Expecting value'],
    ['{"a": tru}', 6, 'Expecting value'],
    ['{"a": "x\\q"}', 8, 'Invalid \\escape'],
  ])('answers json_invalid for %p at %p (%s), as CPython locates it', async (text, pos, error) => {
    expect(await send('POST', '/api/jobs/search', text)).toEqual(jsonInvalid(pos, error));
  });

  it('answers json_invalid on every route that takes a JSON body', async () => {
    for (const [method, path] of [
      ['POST', '/api/jobs/jdl'],
      ['PATCH', '/api/jobs/status'],
      ['POST', '/api/jobs/sandbox'],
      ['PATCH', '/api/jobs/1/sandbox/output'],
    ] as const)
      expect({ path, res: await send(method, path, '{') }).toEqual({
        path,
        res: jsonInvalid(1, 'Expecting property name enclosed in double quotes'),
      });
  });
});
