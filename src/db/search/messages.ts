/**
 * @module db/search/messages
 * Every 400 the search engine raises, worded as DiracX words it (`InvalidQueryError` texts in
 * `diracx-db/src/diracx/db/sql/utils/base.py`), including the Python `repr()` DiracX
 * interpolates (`Cannot parse value='...'`, `{...}` sets, `query={...}` dicts), plus the few
 * refusals we add where DiracX fails with a 500. Formatting only; no SQL and no rules here.
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { VectorOperator, WireScalar } from './types.ts';

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `repr(str)`: single quotes unless the text holds `'` and no `"`; control characters escaped. */
export function pyStr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const escaped = ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if (ch === quote) out += `\\${quote}`;
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0xd800 && code < 0xe000) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

/** `repr()` of a wire value: strings quoted, numbers bare, booleans `True`/`False`. */
export function pyValue(value: WireScalar): string {
  if (typeof value === 'string') return pyStr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

const VECTOR_MEMBER: Readonly<Record<VectorOperator, string>> = { in: 'IN', 'not in': 'NOT_IN' };

const invalid = (message: string): InvalidInputError => new InvalidInputError(message);

/* DiracX's texts. */

export const unknownColumn = (parameter: string): InvalidInputError => invalid(`Unknown column ${parameter}`);

export const unknownSortColumn = (parameter: string): InvalidInputError =>
  invalid(`Cannot sort by ${parameter}: unknown column`);

/** Python's set order is arbitrary; ours is first appearance. */
export const unrecognisedParameters = (names: readonly string[]): InvalidInputError =>
  invalid(`Unrecognised parameters requested {${[...new Set(names)].map(pyStr).join(', ')}}`);

export const cannotParseDatetime = (value: string): InvalidInputError => invalid(`Cannot parse value=${pyStr(value)}`);

export const unsupportedDatetimeOperator = (operator: string): InvalidInputError =>
  invalid(`Operator '${operator}' is not supported for partial datetime values`);

/** The validated filter dict as DiracX prints it, operator shown as its enum member. */
export function mixedResolutions(
  parameter: string,
  operator: VectorOperator,
  values: readonly WireScalar[],
): InvalidInputError {
  const op = `<VectorSearchOperator.${VECTOR_MEMBER[operator]}: ${pyStr(operator)}>`;
  const query = `{'parameter': ${pyStr(parameter)}, 'operator': ${op}, 'values': [${values.map(pyValue).join(', ')}]}`;
  return invalid(`Cannot mix different time resolutions in query=${query}`);
}

export const invalidRegex = (pattern: string): InvalidInputError => invalid(`Invalid regex ${pattern}`);

export const invalidPage = (): InvalidInputError => invalid('Page must be a positive integer');

export const invalidPerPage = (): InvalidInputError => invalid('Per page must be a positive integer');

/* Ours, where DiracX lets the database fail (a 500 there). */

/** A value that cannot be a member of the column's type. */
export const invalidValue = (parameter: string, expected: string, got: WireScalar): InvalidInputError =>
  invalid(`Invalid value for parameter ${parameter}: expected ${expected}, got ${pyValue(got)}`);

/** An operator that means nothing for the column (`gt` or `like` on a boolean flag). */
export const unsupportedOperator = (operator: string, parameter: string): InvalidInputError =>
  invalid(`Operator '${operator}' is not supported for parameter ${parameter}`);

/** PostgreSQL and MySQL 8 only ORDER a SELECT DISTINCT by selected columns (MariaDB orders by any). */
export const distinctSortColumn = (parameter: string): InvalidInputError =>
  invalid(`Cannot sort by ${parameter}: a distinct search can only sort by its parameters`);
