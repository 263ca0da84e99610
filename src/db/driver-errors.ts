/**
 * @module db/driver-errors
 * Turns the database driver errors that are not server faults into domain errors, for both
 * drivers (postgres.js and PGlite report PostgreSQL's SQLSTATE in `code`):
 * - "the database is not reachable" becomes `UnavailableError` (503, retry later);
 * - a statement cancelled by the statement timeout (SQLSTATE 57014, `query_canceled`) becomes
 *   `UnavailableError` too, naming the timeout's setting: the request asked for more work than
 *   one statement may do, and a retry when the database is less busy may succeed;
 * - a data exception (SQLSTATE class 22: a text longer than its column, a NUL character, a
 *   number out of its column's range, an impossible date) becomes `InvalidInputError` (400):
 *   the request carried a value the database cannot store. Input validation refuses the known
 *   cases earlier with a precise message; this is the net under every route, tool and extension.
 * mysql2's errors (MySQL/MariaDB) are read by `./mysql/errors.ts` and mapped the same way.
 * Other query errors (syntax, constraints) stay server faults. Nothing of the driver's message
 * (which may quote SQL or values) reaches the client: the driver error stays the domain error's
 * `cause`, and `causeLogFields` says what of it the server log may carry (never the SQL text or
 * the bound values that postgres.js and mysql2 attach to their errors).
 * Transactions translate where they happen (`database.ts`); reads made on the drizzle handle
 * directly reach the HTTP and MCP error mappers untranslated, so those translate too.
 */
import { DiracxError, InvalidInputError, UnavailableError } from '../core/errors.ts';
import type { LogFields } from '../core/logger.ts';
import { isDuplicateKeyError, MYSQL_DATA_ERRORS, mysqlErrorKind } from './mysql/errors.ts';

/** Detail clients see when the database cannot be reached (no driver internals leak out). */
export const DATABASE_UNAVAILABLE = 'Database unavailable';

/** The setting that bounds one statement (PostgreSQL's `statement_timeout`, ours on PGlite). */
export const STATEMENT_TIMEOUT_SETTING = 'DIRACX_DB_STATEMENT_TIMEOUT_MS';

/** Detail clients see when a statement ran out of time. */
export const STATEMENT_TIMED_OUT =
  `Database statement timed out: the query ran longer than the statement timeout ` +
  `(${STATEMENT_TIMEOUT_SETTING}); narrow it or retry later`;

/** PostgreSQL's `query_canceled`: the statement timeout fired (or someone cancelled the statement). */
export const QUERY_CANCELED = '57014';

/** Socket-level and postgres.js connection error codes. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * SQLSTATEs that mean the server went away or refuses connections: class 08 (connection
 * exception) and 57P01..57P03 (admin shutdown, crash shutdown, cannot connect now).
 */
function isConnectionSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

/** What a client is told for each data exception; anything else of class 22 gets the default. */
const DATA_EXCEPTION_DETAIL: Record<string, string> = {
  '22001': 'a text is longer than the database can store for it',
  '22003': 'a number is out of the range the database can store for it',
  '22021': 'a text contains a NUL character or bytes that are not UTF-8',
  '22P05': 'a text contains a NUL character or bytes that are not UTF-8',
  '22007': 'a date or time is not valid',
  '22008': 'a date or time is out of range',
};

/**
 * The `code` of `err` or of an error in its `cause` chain that `match` accepts (drizzle wraps
 * driver errors in `DrizzleQueryError.cause`).
 */
export function driverErrorCode(err: unknown, match: (code: string) => boolean): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && match(code)) return code;
  }
  return undefined;
}

/** True when `err`, or any error in its `cause` chain, says the connection is gone. */
export function isConnectionError(err: unknown): boolean {
  return driverErrorCode(err, (code) => CONNECTION_CODES.has(code) || isConnectionSqlState(code)) !== undefined;
}

/**
 * `err` as the domain error it means (see the module comment), with `err` as its `cause`;
 * otherwise itself. A domain error stays as it is, whatever driver error its own cause chain holds.
 */
export function translateDriverError(err: unknown): unknown {
  if (err instanceof DiracxError) return err;
  const cause = { cause: err };
  if (isConnectionError(err)) return new UnavailableError(DATABASE_UNAVAILABLE, undefined, cause);
  const mysql = mysqlErrorKind(err);
  if (mysql?.kind === 'connection') return new UnavailableError(DATABASE_UNAVAILABLE, undefined, cause);
  if (mysql?.kind === 'timeout') return new UnavailableError(STATEMENT_TIMED_OUT, undefined, cause);
  if (mysql?.kind === 'data' && mysql.errno !== undefined)
    return new InvalidInputError(`Invalid value: ${MYSQL_DATA_ERRORS[mysql.errno]}`, undefined, cause);
  if (driverErrorCode(err, (code) => code === QUERY_CANCELED) !== undefined)
    return new UnavailableError(STATEMENT_TIMED_OUT, undefined, cause);
  const dataException = driverErrorCode(err, (code) => /^22[0-9A-Z]{3}$/.test(code));
  if (dataException !== undefined) {
    const what = DATA_EXCEPTION_DETAIL[dataException] ?? 'a value cannot be stored by the database';
    return new InvalidInputError(`Invalid value: ${what}`, undefined, cause);
  }
  return err;
}

/** PostgreSQL's `unique_violation`. */
const UNIQUE_VIOLATION = '23505';

/**
 * Whether `err` is a write the database refused because it would repeat a primary or unique key,
 * on either dialect (PostgreSQL's SQLSTATE 23505, MySQL's ER_DUP_ENTRY): for code that decides a
 * conflict by a unique index where `ON CONFLICT DO NOTHING` is not available (MySQL).
 */
export function isUniqueViolation(err: unknown): boolean {
  return driverErrorCode(err, (code) => code === UNIQUE_VIOLATION) !== undefined || isDuplicateKeyError(err);
}

/** What the server log says of the error behind a domain error (`causeLogFields`). */
export interface CauseLogFields {
  /** The error's class (`name`): `PostgresError`, `Error` for socket and mysql2 errors, ... */
  class: string;
  /** SQLSTATE, a socket or postgres.js connection code, or mysql2's `ER_...` code. */
  code?: string;
  /** mysql2's server error number (or a socket's negative errno). */
  errno?: number;
  /** First line of the message, only where it is known to quote no SQL or values (see below). */
  message?: string;
}

/** The longest message the log carries of a cause. */
const MAX_CAUSE_MESSAGE = 300;

/**
 * `{cause}` for the server log, describing the first error of `err`'s `cause` chain (past the
 * domain errors) that carries a driver `code` or `errno`, or else the innermost one by its class
 * alone. Its message is included only when the error means a lost connection or a statement
 * timeout: those messages are the server's or the socket's ("terminating connection due to
 * administrator command", "connect ECONNREFUSED 127.0.0.1:5432") and quote no values, whereas a
 * data or constraint error's message may. Never read: postgres.js's `query`/`parameters`,
 * mysql2's `sql`/`sqlMessage`, PostgreSQL's `detail`. `{}` when `err` has no such cause.
 */
export function causeLogFields(err: unknown): LogFields {
  let innermost: Error | undefined;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (e instanceof DiracxError) continue;
    innermost = e;
    const { code, errno } = e as { code?: unknown; errno?: unknown };
    if (typeof code !== 'string' && typeof errno !== 'number') continue;
    const cause: CauseLogFields = { class: e.name };
    if (typeof code === 'string') cause.code = code;
    if (typeof errno === 'number') cause.errno = errno;
    const kind = mysqlErrorKind(e)?.kind;
    if (isConnectionError(e) || kind === 'connection' || kind === 'timeout' || code === QUERY_CANCELED)
      cause.message = (e.message.split('\n')[0] ?? '').slice(0, MAX_CAUSE_MESSAGE);
    return { cause };
  }
  return innermost ? { cause: { class: innermost.name } satisfies CauseLogFields } : {};
}
