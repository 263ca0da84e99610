/**
 * @module db/connection-errors
 * Recognises "the database is not reachable" among driver errors, so that it becomes a 503
 * (retry later) rather than a 500. Query errors (syntax, constraint) are not connection errors.
 * Transactions translate them where they happen (`database.ts`); reads made on the drizzle
 * handle directly reach the HTTP and MCP error mappers untranslated, so those translate too.
 */
import { UnavailableError } from '../logic/errors.ts';

/** Detail clients see when the database cannot be reached (no driver internals leak out). */
export const DATABASE_UNAVAILABLE = 'Database unavailable';

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

/** True when `err`, or any error in its `cause` chain, says the connection is gone. */
export function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || isConnectionSqlState(code))) return true;
  }
  return false;
}

/** `err` as the domain error it means: `UnavailableError` for a lost database, otherwise itself. */
export function translateConnectionError(err: unknown): unknown {
  return isConnectionError(err) ? new UnavailableError(DATABASE_UNAVAILABLE) : err;
}
