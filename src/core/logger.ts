/**
 * @module core/logger
 * Structured logging: one JSON object per line. Web-standard only (writes through a function
 * handed in, `console.log` by default). Callers must never pass tokens or secrets as fields.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * drizzle's query errors (`DrizzleQueryError`) end their message with the statement's bound
 * values (`\nparams: …`): a job's JDL, a token's claims, a user's name. The log keeps the SQL
 * text (placeholders, no values) and drops them, from the message and from the stack's copy of it.
 */
const BOUND_VALUES = /\nparams: [\s\S]*$/;

/** Turns an error into loggable fields (name, message, stack) without throwing; never bound values. */
export function errorFields(err: unknown): LogFields {
  if (!(err instanceof Error)) return { error: String(err) };
  const message = err.message.replace(BOUND_VALUES, '');
  return { error: err.name, message, stack: err.stack?.replace(err.message, message) };
}

/**
 * One line describing an error and its causes (`outer: inner: root`), first line of each, so
 * that multi-line driver messages (e.g. drizzle's "Failed query" with params) do not hide the
 * root cause or break one-line reports.
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; depth++) {
    const text = e instanceof Error ? e.message || (e as { code?: string }).code || e.name : String(e);
    const line = (text.split('\n')[0] ?? '').trim();
    if (line && !parts.includes(line)) parts.push(line);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}

/** A logger writing JSON lines at or above `level`; a failing writer is ignored, never rethrown. */
export function createJsonLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => console.log(line),
  now: () => Date = () => new Date(),
): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[lvl] < RANK[level]) return;
    try {
      write(JSON.stringify({ time: now().toISOString(), level: lvl, msg, ...fields }));
    } catch {
      // Logging must not be able to change the outcome of a request.
    }
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}
