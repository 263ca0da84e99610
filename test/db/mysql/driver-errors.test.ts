/**
 * mysql2's errors as the domain errors they mean (`src/db/driver-errors.ts` with
 * `src/db/mysql/errors.ts`), on errors shaped as mysql2 throws them (a `code` and `errno`,
 * wrapped by drizzle in `cause`); the live cases run against MariaDB in `database.test.ts`.
 */
import { describe, expect, it } from 'bun:test';
import { InvalidInputError, UnavailableError } from '../../../src/core/errors.ts';
import { DATABASE_UNAVAILABLE, STATEMENT_TIMED_OUT, translateDriverError } from '../../../src/db/driver-errors.ts';

/** An error as mysql2 throws it, wrapped as drizzle does. */
function mysql2Error(fields: { code?: string; errno?: number }): Error {
  const driver = Object.assign(new Error('driver says something with SQL in it'), fields);
  return new Error('Failed query: ...', { cause: driver });
}

describe('mysql2 errors', () => {
  it.each([
    ['a lost connection', { code: 'PROTOCOL_CONNECTION_LOST' }],
    ['a refused connection', { code: 'ECONNREFUSED', errno: -111 }],
    ["MariaDB's killed connection (only an errno)", { errno: 1927 }],
    ['a server shutting down', { code: 'ER_SERVER_SHUTDOWN', errno: 1053 }],
  ])('%s is UnavailableError', (_, fields) => {
    const translated = translateDriverError(mysql2Error(fields));
    expect(translated).toBeInstanceOf(UnavailableError);
    expect((translated as Error).message).toBe(DATABASE_UNAVAILABLE);
  });

  it.each([
    ["MariaDB's max_statement_time", 1969],
    ["MySQL's max_execution_time", 3024],
  ])('%s is UnavailableError naming the statement timeout', (_, errno) => {
    const translated = translateDriverError(mysql2Error({ errno }));
    expect(translated).toBeInstanceOf(UnavailableError);
    expect((translated as Error).message).toBe(STATEMENT_TIMED_OUT);
  });

  it.each([
    [1406, 'a text is longer than the database can store for it'],
    [1264, 'a number is out of the range the database can store for it'],
    [1292, 'a date or time is not valid'],
    [1366, 'a text contains a NUL character or bytes that are not UTF-8'],
  ])('errno %d is InvalidInputError without the driver message', (errno, detail) => {
    const translated = translateDriverError(mysql2Error({ code: 'ER_X', errno }));
    expect(translated).toBeInstanceOf(InvalidInputError);
    expect((translated as Error).message).toBe(`Invalid value: ${detail}`);
  });

  it('leaves other errors (a duplicate key, a syntax error) as they are', () => {
    for (const fields of [
      { code: 'ER_DUP_ENTRY', errno: 1062 },
      { code: 'ER_PARSE_ERROR', errno: 1064 },
    ]) {
      const err = mysql2Error(fields);
      expect(translateDriverError(err)).toBe(err);
    }
  });
});
