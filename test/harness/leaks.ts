/**
 * What no answer to a client may contain: database error text, driver and ORM names, SQL
 * states, stack frames. The property tests of REST and MCP check every answer against it.
 */
export const INTERNALS = new RegExp(
  [
    'syntax error|postgres|pglite|drizzle|relation "|column .* does not exist|SQLSTATE|Failed query',
    String.raw`violates|value too long|invalid byte sequence|\bat .*\.ts:\d+|TypeError|RangeError`,
  ].join('|'),
  'i',
);
