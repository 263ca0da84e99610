/**
 * The one error-to-HTTP mapping: each domain error code gets its status and DiracX's
 * `{"detail"}` body; anything else is a generic 500 that reflects nothing and is logged. A 503's
 * cause (the driver error) is logged by its safe fields only and never answered.
 */
import { describe, expect, it } from 'bun:test';
import { DrizzleQueryError } from 'drizzle-orm';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  OAuthError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
} from '../../src/core/errors.ts';
import { createJsonLogger } from '../../src/core/logger.ts';
import { toHttpResponse } from '../../src/wire/http-errors.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createJsonLogger('debug', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)) };
}

describe('toHttpResponse', () => {
  it.each([
    ['ForbiddenError', new ForbiddenError('no'), 403, 'no'],
    ['NotFoundError', new NotFoundError('gone'), 404, 'gone'],
    ['InvalidInputError', new InvalidInputError('bad JDL'), 400, 'bad JDL'],
    ['ConflictError', new ConflictError('already assigned'), 409, 'already assigned'],
  ] as const)('maps %s to its status with the detail', async (_name, err, status, detail) => {
    const res = toHttpResponse(err, capture().log);
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ detail });
  });

  it('keeps structured details, as DiracX returns objects for partial failures', async () => {
    const detail = { success: {}, failed: { '1': { detail: 'Not found' } } };
    const res = toHttpResponse(new NotFoundError('Not found', detail), capture().log);
    expect(await res.json()).toEqual({ detail });
  });

  it('adds WWW-Authenticate: Bearer to 401', async () => {
    const res = toHttpResponse(new UnauthenticatedError('Invalid JWT'), capture().log);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('adds Retry-After to 503', async () => {
    const res = toHttpResponse(new UnavailableError('Database unavailable', 7), capture().log);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it("logs a failed query's SQL but never its bound values (drizzle's message and stack carry them)", async () => {
    const { lines, log } = capture();
    const cause = Object.assign(new Error('duplicate key value'), { code: '23505' });
    const failed = new DrizzleQueryError('insert into "Jobs" ("Owner") values ($1)', ['s3cret-owner'], cause);
    const res = toHttpResponse(failed, log);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ detail: 'Internal server error' });
    const [line] = lines.filter((l) => l.level === 'error');
    expect(line?.message).toBe('Failed query: insert into "Jobs" ("Owner") values ($1)');
    expect(String(line?.stack)).toContain('Failed query: insert into "Jobs"');
    expect(JSON.stringify(lines)).not.toContain('s3cret-owner');
  });

  it('answers any other error with a generic 500 and logs the real one', async () => {
    const { lines, log } = capture();
    const res = toHttpResponse(new TypeError('secret internals at /srv/x'), log);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ detail: 'Internal server error' });
    expect(lines.some((l) => l.level === 'error' && String(l.message).includes('secret internals'))).toBe(true);
  });

  it('still answers when the logger throws', async () => {
    const log = createJsonLogger('debug', () => {
      throw new Error('disk full');
    });
    expect(toHttpResponse(new Error('x'), log).status).toBe(500);
  });
});

describe('toHttpResponse for OAuth and rate-limit errors', () => {
  it('answers an OAuth error with the RFC 6749 body instead of detail', async () => {
    const res = toHttpResponse(new OAuthError('INVALID_INPUT', 'authorization_pending'), capture().log);
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'authorization_pending' });
  });

  it('adds the description and a Bearer challenge to a 401 OAuth error', async () => {
    const res = toHttpResponse(new OAuthError('UNAUTHENTICATED', 'invalid_client', 'Unknown client'), capture().log);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_client"');
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'Unknown client' });
  });

  it('answers a rate limit with 429 and Retry-After', async () => {
    const res = toHttpResponse(new RateLimitedError('Too many requests', 12), capture().log);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('12');
    expect(await res.json()).toEqual({ detail: 'Too many requests' });
  });

  it('answers a lost connection outside a transaction with 503 + Retry-After, naming no driver detail', async () => {
    // What drizzle throws when a read on its handle meets a closed postgres.js connection.
    const driver = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
    const res = toHttpResponse(new Error('Failed query: select "JobID" from "Jobs"', { cause: driver }), capture().log);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(await res.json()).toEqual({ detail: 'Database unavailable' });
  });

  it.each([
    ['22021', 'a NUL character', 'NUL character'],
    ['22001', 'a text too long for its column', 'longer than'],
    ['22003', "a number out of its column's range", 'out of the range'],
  ])(
    'answers a value the database cannot store (SQLSTATE %s, %s) with 400, quoting no SQL',
    async (code, _what, says) => {
      const driver = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });
      const res = toHttpResponse(
        new Error('Failed query: insert into "GubbinsOwners" ("Name") values ($1)', { cause: driver }),
        capture().log,
      );
      expect(res.status).toBe(400);
      const { detail } = (await res.json()) as { detail: string };
      expect(detail).toContain(says);
      expect(detail).not.toMatch(/insert|GubbinsOwners|UTF8|\$1/);
    },
  );

  it('still answers a query error that is not a connection error with a generic 500', async () => {
    const syntax = Object.assign(new Error('syntax error at or near "FROM"'), { code: '42601' });
    const res = toHttpResponse(new Error('Failed query', { cause: syntax }), capture().log);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ detail: 'Internal server error' });
  });
});

describe('the log line of a 503 (driver errors shaped by hand, as the drivers attach their fields)', () => {
  const warning = (lines: Record<string, unknown>[]) => lines.find((l) => l.msg === 'dependency unavailable');

  it('names a postgres.js error by code, class and message, never its SQL text or parameters', async () => {
    const { lines, log } = capture();
    const driver = Object.assign(new Error('terminating connection due to administrator command'), {
      name: 'PostgresError',
      code: '57P01',
      detail: 'Key ("Owner")=(s3cr3t-owner) exists',
      query: 'insert into "Jobs" ("Owner") values ($1)',
      parameters: ['s3cr3t-owner'],
    });
    const drizzle = new Error('Failed query: insert into "Jobs" ("Owner") values ($1)\nparams: s3cr3t-owner', {
      cause: driver,
    });
    const res = toHttpResponse(drizzle, log);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ detail: 'Database unavailable' });
    expect(warning(lines)).toMatchObject({
      level: 'warn',
      detail: 'Database unavailable',
      cause: { class: 'PostgresError', code: '57P01', message: 'terminating connection due to administrator command' },
    });
    expect(JSON.stringify(lines)).not.toMatch(/s3cr3t|insert into|Failed query/);
  });

  it('names a mysql2 statement timeout by errno and code, never its SQL text', () => {
    const { lines, log } = capture();
    const message = 'Query execution was interrupted (max_statement_time exceeded)';
    const driver = Object.assign(new Error(message), {
      code: 'ER_STATEMENT_TIMEOUT',
      errno: 1969,
      sqlState: '70100',
      sqlMessage: message,
      sql: "select * from Jobs where Owner = 's3cr3t-owner'",
    });
    expect(toHttpResponse(driver, log).status).toBe(503);
    expect(warning(lines)?.cause).toEqual({ class: 'Error', code: 'ER_STATEMENT_TIMEOUT', errno: 1969, message });
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });

  it('leaves out the message of a cause not known to quote no values, and logs no cause when there is none', () => {
    const { lines, log } = capture();
    const driver = Object.assign(new Error('could not read "s3cr3t-owner"'), { code: 'XX000' });
    toHttpResponse(new UnavailableError('Database unavailable', 10, { cause: driver }), log);
    toHttpResponse(new UnavailableError('Sandbox store unavailable', 10, { cause: new TypeError('s3cr3t') }), log);
    toHttpResponse(new UnavailableError('Configuration is not loaded yet'), log);
    const warnings = lines.filter((l) => l.msg === 'dependency unavailable');
    expect(warnings.map((l) => l.cause)).toEqual([
      { class: 'Error', code: 'XX000' },
      { class: 'TypeError' },
      undefined,
    ]);
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
  });
});
