/**
 * @module wire/validation-detail
 * The body of a 422 as FastAPI writes it (DiracX clients expect it): one
 * `{"type", "loc", "msg", "input", "ctx"?}` entry per error, with pydantic's `type` names and
 * messages, `loc` starting with where the value was (`body`, `query`, `path`, `header`) and
 * `input` the offending value (for a missing field, the object it is missing from, as pydantic
 * does). Zod issues are translated here (`pydantic-errors.ts` holds the wording); request
 * validation (`routes/validation.ts`), the JSON body guard and the error mapper
 * (`wire/http-errors.ts`) all answer with it.
 *
 * A schema can fix the pydantic error itself by giving zod pydantic's message (e.g. the WMS
 * job id keys' `int_parsing`): a known message decides the type. A `z.enum` is pydantic's
 * `enum` unless its message is pydantic's `Input should be 'a' or 'b'`, which marks a Python
 * `Literal` (`literal_error`). Differences kept: unions (DiracX's search conditions) report
 * the member that came closest, not every member.
 */
import { expectedValues, PYDANTIC_MESSAGES as M, typeOfMessage } from './pydantic-errors.ts';

const LOCATION: Record<string, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

/** A zod issue (the fields this translation reads), or one built by hand. */
export interface ValidationIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  /** The offending value, when the caller knows it better than the request data. */
  input?: unknown;
  expected?: string;
  received?: string;
  origin?: string;
  maximum?: number | bigint;
  minimum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  pattern?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  issues?: readonly ValidationIssue[];
  errors?: readonly (readonly ValidationIssue[])[];
}

/** One entry of FastAPI's `detail` list. */
export interface ValidationDetailEntry {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

type Key = string | number;

function valueAt(data: unknown, path: readonly Key[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<Key, unknown>)[key];
  }
  return value;
}

const asKey = (p: PropertyKey): Key => (typeof p === 'number' ? p : String(p));
const num = (n: number | bigint | undefined): number => Number(n ?? 0);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Where an issue is: the request part, its data, the path in it and the value there. */
interface Site {
  target: string;
  data: unknown;
  path: Key[];
  value: unknown;
}

function numberError(site: Site, expected: string | undefined, message: string): Omit<ValidationDetailEntry, 'loc'> {
  const { value } = site;
  const float = message === M.float_type || message === M.float_parsing;
  if (typeof value === 'string')
    return float
      ? { type: 'float_parsing', msg: M.float_parsing, input: value }
      : { type: 'int_parsing', msg: M.int_parsing, input: value };
  if (!float && expected === 'int' && typeof value === 'number')
    return { type: 'int_from_float', msg: M.int_from_float, input: value };
  return float
    ? { type: 'float_type', msg: M.float_type, input: value }
    : { type: 'int_type', msg: M.int_type, input: value };
}

function typeError(site: Site, issue: ValidationIssue): Omit<ValidationDetailEntry, 'loc'> {
  const { value } = site;
  switch (issue.expected) {
    case 'number':
    case 'int':
    case 'bigint':
      return numberError(site, issue.expected, issue.message);
    case 'string':
      return { type: 'string_type', msg: M.string_type, input: value };
    case 'boolean':
      return typeof value === 'string'
        ? { type: 'bool_parsing', msg: M.bool_parsing, input: value }
        : { type: 'bool_type', msg: M.bool_type, input: value };
    case 'array':
      return { type: 'list_type', msg: M.list_type, input: value };
    case 'record':
    case 'map':
      return { type: 'dict_type', msg: M.dict_type, input: value };
    case 'object':
      return { type: 'model_attributes_type', msg: M.model_attributes_type, input: value };
    default:
      return { type: issue.code, msg: issue.message, input: value };
  }
}

function boundError(issue: ValidationIssue, value: unknown, upper: boolean): Omit<ValidationDetailEntry, 'loc'> {
  const limit = num(upper ? issue.maximum : issue.minimum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string') {
    return upper
      ? {
          type: 'string_too_long',
          msg: `String should have at most ${plural(limit, 'character')}`,
          input: value,
          ctx: { max_length: limit },
        }
      : {
          type: 'string_too_short',
          msg: `String should have at least ${plural(limit, 'character')}`,
          input: value,
          ctx: { min_length: limit },
        };
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    const actual = Array.isArray(value) ? value.length : 0;
    const bound = upper ? 'at most' : 'at least';
    return {
      type: upper ? 'too_long' : 'too_short',
      msg: `List should have ${bound} ${plural(limit, 'item')} after validation, not ${actual}`,
      input: value,
      ctx: { field_type: 'List', [upper ? 'max_length' : 'min_length']: limit, actual_length: actual },
    };
  }
  const [type, words, ctxKey] = upper
    ? inclusive
      ? ['less_than_equal', 'less than or equal to', 'le']
      : ['less_than', 'less than', 'lt']
    : inclusive
      ? ['greater_than_equal', 'greater than or equal to', 'ge']
      : ['greater_than', 'greater than', 'gt'];
  return { type, msg: `Input should be ${words} ${limit}`, input: value, ctx: { [ctxKey]: limit } };
}

/** The pydantic error (without `loc`) for one zod issue at `site`. */
function translate(site: Site, issue: ValidationIssue): Omit<ValidationDetailEntry, 'loc'> {
  const value = issue.input !== undefined ? issue.input : site.value;
  const known = typeOfMessage(issue.message);
  if (known && known !== 'literal_error') return { type: known, msg: issue.message, input: value };
  switch (issue.code) {
    case 'invalid_type':
      return typeError({ ...site, value }, issue);
    case 'too_big':
      return boundError(issue, value, true);
    case 'too_small':
      return boundError(issue, value, false);
    case 'invalid_format': {
      if (issue.format !== 'regex' || issue.pattern === undefined) break;
      // The regex as Python writes it: JavaScript's `source` escapes every `/`.
      const source = issue.pattern.slice(1, issue.pattern.lastIndexOf('/')).replaceAll('\\/', '/');
      return {
        type: 'string_pattern_mismatch',
        msg: known ? issue.message : `String should match pattern '${source}'`,
        input: value,
        ctx: { pattern: source },
      };
    }
    case 'invalid_value': {
      const expected = expectedValues(issue.values ?? []);
      return {
        type: known === 'literal_error' ? 'literal_error' : 'enum',
        msg: `Input should be ${expected}`,
        input: value,
        ctx: { expected },
      };
    }
    case 'custom':
      return { type: 'value_error', msg: `Value error, ${issue.message}`, input: value, ctx: { error: {} } };
  }
  return { type: issue.code, msg: issue.message, input: value ?? null };
}

function entries(target: string, data: unknown, prefix: Key[], issue: ValidationIssue): ValidationDetailEntry[] {
  const path = [...prefix, ...issue.path.map(asKey)];
  const loc = [LOCATION[target] ?? target, ...path];
  const value = valueAt(data, path);
  if (issue.code === 'unrecognized_keys')
    return (issue.keys ?? []).map((key) => ({
      type: 'extra_forbidden',
      loc: [...loc, key],
      msg: M.extra_forbidden,
      input: valueAt(data, [...path, key]),
    }));
  if (issue.code === 'invalid_key') {
    // pydantic locates a bad dict key at `[..., key, "[key]"]`, with the key as input.
    const key = path.at(-1);
    return (issue.issues ?? []).map((inner) => {
      const { type, msg, ctx } = translate({ target, data, path, value: key }, { ...inner, path: [], input: key });
      return { type, loc: [...loc, '[key]'], msg, input: key, ...(ctx && { ctx }) };
    });
  }
  const closest =
    issue.code === 'invalid_union' ? [...(issue.errors ?? [])].sort((a, b) => a.length - b.length)[0] : undefined;
  if (closest) return closest.flatMap((inner) => entries(target, data, path, inner));
  const parent = valueAt(data, path.slice(0, -1));
  const key = path.at(-1);
  const absent = key !== undefined && parent !== null && typeof parent === 'object' && !Object.hasOwn(parent, key);
  if (absent && issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    // A missing field: pydantic's input is the object it is missing from (none for query/path).
    return [{ type: 'missing', loc, msg: M.missing, input: target === 'json' ? parent : null }];
  }
  const { type, msg, input, ctx } = translate({ target, data, path, value }, issue);
  return [{ type, loc, msg, input: input === undefined ? null : input, ...(ctx && { ctx }) }];
}

/**
 * FastAPI's `detail` list for the issues of one request part (`json`, `query`, `param`, ...),
 * `data` being that part as received (the values pydantic would report).
 */
export function toValidationDetail(
  target: string,
  issues: readonly ValidationIssue[],
  data?: unknown,
): ValidationDetailEntry[] {
  // pydantic stops at a value's first failed constraint (length before pattern); zod reports all.
  const seen = new Set<string>();
  return issues
    .flatMap((issue) => entries(target, data, [], issue))
    .filter((entry) => {
      const at = JSON.stringify(entry.loc);
      if (seen.has(at)) return false;
      seen.add(at);
      return true;
    });
}
