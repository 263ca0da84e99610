/**
 * @module db/search/values
 * Type-checks wire values against the kind of the column they are compared with, before any SQL is
 * built: a value that cannot be a member of the column's type is a 400 naming the parameter, never
 * a database error (500). Integer columns take integers and integer strings (DiracX's CLI sends
 * every scalar as a string, and MySQL compares them numerically), float columns any finite number
 * or decimal text; flag columns take booleans and the spellings `True`/`False`/`1`/`0` in any case.
 */
import { invalidValue } from './messages.ts';
import type { SearchColumn, WireScalar } from './types.ts';

/** The value a comparison binds: text, a number or a boolean. */
export type Comparable = string | number | boolean;

const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;
const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_TEXT = new Set(['true', '1']);
const FALSE_TEXT = new Set(['false', '0']);

/** Text bound as a parameter; PostgreSQL text cannot hold NUL, so refuse it here, not with a 500. */
function toText(parameter: string, value: WireScalar, expected: string): string {
  if (typeof value === 'boolean') throw invalidValue(parameter, expected, value);
  const text = String(value);
  if (text.includes('\u0000')) throw invalidValue(parameter, `${expected} without NUL characters`, value);
  return text;
}

function toInt(parameter: string, value: WireScalar): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < INT4_MIN || n > INT4_MAX) throw invalidValue(parameter, 'a 32-bit integer', value);
  return n;
}

function toFloat(parameter: string, value: WireScalar): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && NUMBER_TEXT.test(value.trim())
        ? Number(value.trim())
        : NaN;
  if (!Number.isFinite(n)) throw invalidValue(parameter, 'a number', value);
  return n;
}

function toBool(parameter: string, value: WireScalar): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (TRUE_TEXT.has(text)) return true;
  if (FALSE_TEXT.has(text)) return false;
  throw invalidValue(parameter, 'a boolean', value);
}

/**
 * The bindable value of an `eq`/`neq`/`gt`/`lt`/`in`/`not in` operand. Datetime columns never
 * come here (they are periods, see `datetime.ts`).
 */
export function toComparable(parameter: string, spec: SearchColumn, value: WireScalar): Comparable {
  switch (spec.kind) {
    case 'string':
      return toText(parameter, value, 'a string');
    case 'int':
      return toInt(parameter, value);
    case 'float':
      return toFloat(parameter, value);
    case 'bool': {
      const flag = toBool(parameter, value);
      if (!spec.stored) return flag;
      return flag ? spec.stored.true : spec.stored.false;
    }
    case 'enum': {
      const stored = spec.encode(value);
      if (stored === undefined) throw invalidValue(parameter, `one of ${spec.expected}`, value);
      return stored;
    }
    case 'datetime':
      throw invalidValue(parameter, 'a date-time string', value);
  }
}

/** The pattern of a `like`/`not like`/`regex` operand: text (numbers are written out). */
export function toPattern(parameter: string, value: WireScalar): string {
  return toText(parameter, value, 'a pattern string');
}
