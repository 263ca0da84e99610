/**
 * @module db/mysql/errors
 * What a mysql2 error means, for `../driver-errors.ts`: mysql2 names MySQL's server errors in
 * `code` (`ER_DATA_TOO_LONG`) with the number in `errno`, but MariaDB's own numbers (1969, a
 * statement past `max_statement_time`; 1927, a killed connection) only in `errno`; its client-side
 * failures (a lost connection) in `code`. Pure: nothing here imports the driver.
 */

export type MysqlErrorKind = 'connection' | 'timeout' | 'data';

/** Client-side codes of mysql2 and server errors that mean the connection is gone or refused. */
const CONNECTION_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_NORMAL_SHUTDOWN',
  'ER_SERVER_GONE_ERROR',
  'ER_CONNECTION_KILLED',
]);
/** MariaDB's ER_CONNECTION_KILLED, and the shutdown and "too many connections" errors by number. */
const CONNECTION_ERRNOS = new Set([1927, 1053, 1040, 1077]);

/** MariaDB's ER_STATEMENT_TIMEOUT (`max_statement_time`) and MySQL's ER_QUERY_TIMEOUT. */
const TIMEOUT_ERRNOS = new Set([1969, 3024]);

/** A value the column cannot hold, in strict SQL mode, and what the client is told about it. */
export const MYSQL_DATA_ERRORS: Record<number, string> = {
  1406: 'a text is longer than the database can store for it',
  1264: 'a number is out of the range the database can store for it',
  1265: 'a value is longer than the database can store for it',
  1292: 'a date or time is not valid',
  1366: 'a text contains a NUL character or bytes that are not UTF-8',
  1367: 'a value is not valid for its column',
  1441: 'a date or time is out of range',
};

interface MysqlErrorFields {
  code?: unknown;
  errno?: unknown;
}

/** The first error of `err`'s cause chain that carries a mysql2 `errno` or client `code`. */
function mysqlFields(err: unknown): MysqlErrorFields[] {
  const found: MysqlErrorFields[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    found.push(e as MysqlErrorFields);
  }
  return found;
}

/** Whether `err` (or its cause) is a lost connection, a statement timeout or unstorable data. */
export function mysqlErrorKind(err: unknown): { kind: MysqlErrorKind; errno?: number } | undefined {
  for (const { code, errno } of mysqlFields(err)) {
    const number = typeof errno === 'number' ? errno : undefined;
    if ((typeof code === 'string' && CONNECTION_CODES.has(code)) || (number && CONNECTION_ERRNOS.has(number)))
      return { kind: 'connection' };
    if (number && TIMEOUT_ERRNOS.has(number)) return { kind: 'timeout' };
    if (number && number in MYSQL_DATA_ERRORS) return { kind: 'data', errno: number };
  }
  return undefined;
}

/**
 * MariaDB's ER_REGEXP_ERROR (PCRE refused the pattern) and MySQL 8's ICU pattern-syntax errors
 * (ER_REGEXP_RULE_SYNTAX ... ER_REGEXP_INVALID_RANGE, ER_REGEXP_PATTERN_TOO_BIG); not its
 * run-time ones (stack overflow, time-out), which are not about the pattern's syntax.
 */
const INVALID_REGEX_ERRNOS = new Set([1139, 3688, 3689, 3690, 3691, 3692, 3693, 3694, 3695, 3696, 3697, 3700]);

/** Whether `err` (or its cause) is the server refusing a regular expression's syntax. */
export function isInvalidRegexError(err: unknown): boolean {
  return mysqlFields(err).some(({ errno }) => typeof errno === 'number' && INVALID_REGEX_ERRNOS.has(errno));
}

/** ER_DUP_ENTRY and ER_DUP_ENTRY_WITH_KEY_NAME: a row would repeat a primary or unique key. */
const DUPLICATE_KEY_ERRNOS = new Set([1062, 1586]);

/** Whether `err` (or its cause) is a write refused because it would repeat a unique key. */
export function isDuplicateKeyError(err: unknown): boolean {
  return mysqlFields(err).some(({ errno }) => typeof errno === 'number' && DUPLICATE_KEY_ERRNOS.has(errno));
}
