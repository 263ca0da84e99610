/**
 * @module eval/match
 * Partial matching of tool arguments (and job rows) against a scenario's expectations. An
 * expected value is JSON where:
 * - a scalar equals the actual value (a number and its decimal text count as equal);
 * - `{ref: a}` is the id of the seeded job `a`;
 * - an array holds the same elements in any order; `{contains: [...]}` at least those;
 * - an object matches when each of its keys matches (other keys of the actual value are free);
 * - `{any_of: [...]}` matches when one alternative does; `{absent_or: x}` when the value is
 *   missing or null, or matches `x`; `{text_contains: "s"}` when the value's text contains `s`
 *   (case-insensitive).
 * Search-like arguments also get a derived `conditions` list: the primary condition and those
 * of `extra_conditions`, each as `{parameter, operator, values}` (values as text; `eq` x and
 * `in` [x] both give `values: [x]`), so an expectation need not care where a condition was put.
 */
import type { Json } from './scenario.ts';

const OPERATORS = new Set(['ref', 'any_of', 'contains', 'absent_or', 'text_contains']);

/** The operator of an expected value (`{any_of: ...}` etc.), when it is one. */
function operatorOf(expected: { [key: string]: Json }): string | undefined {
  const keys = Object.keys(expected);
  return keys.length === 1 && OPERATORS.has(keys[0]!) ? keys[0] : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function scalarEquals(expected: string | number | boolean | null, actual: unknown): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof expected === 'string')
    return (typeof actual === 'string' || typeof actual === 'number') && String(actual).trim() === expected;
  if (typeof expected === 'number')
    return (typeof actual === 'number' || typeof actual === 'string') && Number(actual) === expected;
  return actual === expected;
}

/** Whether each expected element matches a different actual element (small lists: backtracking). */
function matchesDistinct(
  expected: readonly Json[],
  actual: readonly unknown[],
  ids: ReadonlyMap<string, number>,
  used = new Set<number>(),
): boolean {
  const [first, ...rest] = expected;
  if (first === undefined) return true;
  return actual.some(
    (item, i) => !used.has(i) && matches(first, item, ids) && matchesDistinct(rest, actual, ids, new Set([...used, i])),
  );
}

/** Whether `actual` satisfies `expected`; `ids` resolves `{ref}`. */
export function matches(expected: Json, actual: unknown, ids: ReadonlyMap<string, number>): boolean {
  if (Array.isArray(expected))
    return Array.isArray(actual) && actual.length === expected.length && matchesDistinct(expected, actual, ids);
  if (!isRecord(expected)) return scalarEquals(expected, actual);
  switch (operatorOf(expected)) {
    case 'ref': {
      const id = typeof expected.ref === 'string' ? ids.get(expected.ref) : undefined;
      return id !== undefined && scalarEquals(id, actual);
    }
    case 'any_of':
      return Array.isArray(expected.any_of) && expected.any_of.some((alt) => matches(alt, actual, ids));
    case 'contains':
      return (
        Array.isArray(expected.contains) && Array.isArray(actual) && matchesDistinct(expected.contains, actual, ids)
      );
    case 'absent_or':
      return actual === undefined || actual === null || matches(expected.absent_or!, actual, ids);
    case 'text_contains':
      return (
        (typeof actual === 'string' || typeof actual === 'number') &&
        String(actual).toLowerCase().includes(String(expected.text_contains).toLowerCase())
      );
    default:
      return isRecord(actual) && Object.entries(expected).every(([key, value]) => matches(value, actual[key], ids));
  }
}

export interface Condition {
  parameter: string;
  operator: string;
  values: string[];
}

function toCondition(raw: unknown): Condition | undefined {
  if (!isRecord(raw) || typeof raw.parameter !== 'string') return undefined;
  const values = Array.isArray(raw.values)
    ? raw.values.map(String)
    : raw.value === undefined || raw.value === null
      ? []
      : [String(raw.value)];
  return { parameter: raw.parameter, operator: typeof raw.operator === 'string' ? raw.operator : 'eq', values };
}

/** The conditions of a search-like call: the primary one, then the parseable extra ones. */
export function conditionsOf(args: Record<string, unknown>): Condition[] {
  const conditions: Condition[] = [];
  const primary = toCondition(args);
  if (primary) conditions.push(primary);
  if (typeof args.extra_conditions === 'string' && args.extra_conditions.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(args.extra_conditions);
      for (const raw of Array.isArray(parsed) ? parsed : [parsed]) {
        const condition = toCondition(raw);
        if (condition) conditions.push(condition);
      }
    } catch {
      // Not JSON: the server refuses the call; no condition to offer.
    }
  }
  return conditions;
}

/** The arguments as expectations see them: as given, plus `conditions` for search-like calls. */
export function normalizeArgs(args: Record<string, unknown>): Record<string, unknown> {
  if (!('parameter' in args) && !('extra_conditions' in args)) return args;
  return { ...args, conditions: conditionsOf(args) };
}
