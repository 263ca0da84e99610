/**
 * The one error-to-MCP mapping: a domain error becomes an `isError` result with its code and a
 * hint; a lost database connection is UNAVAILABLE wherever it was thrown; anything else is a
 * generic INTERNAL result that reflects nothing and is logged. An UNAVAILABLE result's cause
 * (the driver error) is logged by its safe fields only and never answered.
 */
import { describe, expect, it } from 'bun:test';
import { InvalidInputError, UnavailableError } from '../../src/core/errors.ts';
import { createJsonLogger } from '../../src/core/logger.ts';
import { STATEMENT_TIMED_OUT } from '../../src/db/driver-errors.ts';
import { toToolResult } from '../../src/wire/tool-errors.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, log: createJsonLogger('debug', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)) };
}

const textOf = (result: ReturnType<typeof toToolResult>): string => result.content.map((c) => c.text).join('');

describe('toToolResult', () => {
  it('names the code and the message of a domain error', () => {
    const result = toToolResult(new InvalidInputError('JDL is not valid'), capture().log);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toStartWith('INVALID_INPUT: JDL is not valid ');
    expect(result.structuredContent).toEqual({
      success: false,
      error: textOf(result).slice('INVALID_INPUT: '.length),
      code: 'INVALID_INPUT',
    });
  });

  it('answers a lost database connection thrown outside a transaction as UNAVAILABLE, without driver detail', () => {
    const { lines, log } = capture();
    const driver = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const result = toToolResult(new Error('Failed query: select 1', { cause: driver }), log);
    expect(textOf(result)).toBe(textOf(toToolResult(new UnavailableError('Database unavailable'), log)));
    expect(textOf(result)).toStartWith('UNAVAILABLE: Database unavailable ');
    expect(textOf(result)).not.toContain('127.0.0.1');
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('answers any other error with a generic INTERNAL result and logs the real one', () => {
    const { lines, log } = capture();
    const result = toToolResult(new TypeError('secret internals'), log);
    expect(textOf(result)).toStartWith('INTERNAL: Internal server error.');
    expect(textOf(result)).not.toContain('secret');
    expect(JSON.stringify(result.structuredContent)).not.toContain('secret');
    expect(result.structuredContent.code).toBe('INTERNAL');
    expect(lines.some((l) => l.level === 'error' && JSON.stringify(l).includes('secret internals'))).toBe(true);
  });

  it('logs the driver error behind UNAVAILABLE by code, never in the result or its SQL text', () => {
    const { lines, log } = capture();
    // A postgres.js statement timeout, shaped by hand with the fields the driver attaches.
    const driver = Object.assign(new Error('canceling statement due to statement timeout'), {
      name: 'PostgresError',
      code: '57014',
      query: 'select * from "Jobs" where "Owner" = $1',
      parameters: ['s3cr3t-owner'],
    });
    const result = toToolResult(new Error('Failed query: select 1\nparams: s3cr3t-owner', { cause: driver }), log);
    const { log: quiet } = capture();
    expect(result).toEqual(toToolResult(new UnavailableError(STATEMENT_TIMED_OUT), quiet));
    expect(JSON.stringify(result)).not.toMatch(/57014|PostgresError|canceling|s3cr3t/);
    expect(lines.find((l) => l.msg === 'dependency unavailable')).toMatchObject({
      level: 'warn',
      detail: STATEMENT_TIMED_OUT,
      cause: { class: 'PostgresError', code: '57014', message: 'canceling statement due to statement timeout' },
    });
    expect(JSON.stringify(lines)).not.toMatch(/s3cr3t|"Jobs"|Failed query/);
  });
});
