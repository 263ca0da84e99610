/**
 * The one error-to-MCP mapping: a domain error becomes an `isError` result with its code and a
 * hint; a lost database connection is UNAVAILABLE wherever it was thrown; anything else is a
 * generic INTERNAL result that reflects nothing and is logged.
 */
import { describe, expect, it } from 'bun:test';
import { InvalidInputError, UnavailableError } from '../../src/core/errors.ts';
import { createJsonLogger } from '../../src/core/logger.ts';
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
});
