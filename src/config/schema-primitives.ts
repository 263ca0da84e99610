/**
 * @module config/schema-primitives
 *
 * Zod building blocks that reproduce pydantic's (lax mode) scalar handling
 * for the configuration schema: booleans, integers and floats accept the same
 * string/number spellings pydantic accepts, sets become de-duplicated arrays
 * sorted as Python's `sorted()` sorts strings, and `EmailStr` is checked and
 * normalised. Web-standard JS only.
 */
import { z } from 'zod';

/** Compare strings by Unicode code point, as Python's `sorted()` does. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done ? (cb.done ? 0 : -1) : 1;
    const d = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

/** A plain (JSON-like) object, i.e. what YAML/JSON mappings parse to. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const BOOL_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['0', false],
  ['off', false],
  ['f', false],
  ['false', false],
  ['n', false],
  ['no', false],
  ['1', true],
  ['on', true],
  ['t', true],
  ['true', true],
  ['y', true],
  ['yes', true],
]);

/** pydantic `bool`: booleans, 0/1, and the usual yes/no/on/off/true/false words. */
export const pyBool = z.preprocess((v) => {
  if (typeof v === 'string') return BOOL_WORDS.get(v.toLowerCase()) ?? v;
  if (v === 0 || v === 1) return v === 1;
  return v;
}, z.boolean());

const INT_STRING = /^\s*[+-]?\d+(_\d+)*\s*$/;
const FLOAT_STRING = /^\s*[+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** pydantic `int`: integers (also 3.0), booleans, and integer strings. */
export const pyInt = z.preprocess((v) => {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && INT_STRING.test(v)) return Number(v.replaceAll('_', '').trim());
  return v;
}, z.number().int());

/**
 * pydantic `float`: finite numbers, booleans, and numeric strings. A refusal carries pydantic's
 * message, which tells the REST layer's 422 (`wire/validation-detail.ts`) it was a float.
 */
export const pyFloat = z.preprocess(
  (v) => {
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string' && FLOAT_STRING.test(v)) return Number(v.replaceAll('_', '').trim());
    return v;
  },
  z.number({
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : typeof issue.input === 'string'
          ? 'Input should be a valid number, unable to parse string as a number'
          : 'Input should be a valid number',
  }),
);

/** pydantic `str`: strings only (numbers are NOT coerced, as upstream). */
export const pyStr = z.string();

/** pydantic `list[str]`. */
export const strList = z.array(pyStr);

/**
 * `SerializableSet[str]`: accepts an array, drops duplicates and yields the
 * members sorted, which is exactly how upstream serialises the set.
 */
export const sortedStrSet = z.array(pyStr).transform((items) => [...new Set(items)].sort(compareCodePoints));

/** `MutableMapping[str, Any] | None = None`: a free-form mapping or null. */
export const optionalAnyMapping = z.record(z.string(), z.unknown()).nullable().default(null);

/** `Any = None`: anything passes through; absent means null. */
export const anyValue = z.unknown().default(null);

// Domains that email-validator refuses even without a deliverability check.
const SPECIAL_USE_DOMAINS = ['arpa', 'invalid', 'local', 'localhost', 'onion', 'test'];
const PRETTY_EMAIL = /^\s*(?:"?[^"]*?"?\s*)?<(.+)>\s*$/s;
const LOCAL_PART = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]*[\p{L}\p{N}\p{M}])?$/u;

/**
 * Check and normalise an e-mail address like pydantic's `EmailStr`
 * (`Name <addr>` is unwrapped, the domain is lower-cased, the local part is
 * NFC-normalised). Returns undefined when the address is invalid.
 */
export function normaliseEmail(input: string): string | undefined {
  if (input.length > 2048) return undefined;
  const address = PRETTY_EMAIL.exec(input)?.[1] ?? input;
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  const local = address.slice(0, at).normalize('NFC');
  const domain = address.slice(at + 1).toLowerCase();
  const labels = domain.split('.');
  const tld = labels[labels.length - 1] ?? '';
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  if (labels.length < 2 || domain.length > 253 || !labels.every((l) => DOMAIN_LABEL.test(l))) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: non-ASCII means outside \x00-\x7f, NUL included
  if (!/[a-z]$/.test(tld) && !/[^\x00-\x7f]/.test(tld)) return undefined;
  if (SPECIAL_USE_DOMAINS.some((s) => domain === s || domain.endsWith(`.${s}`))) return undefined;
  return `${local}@${domain}`;
}

/** pydantic `EmailStr`. */
export const pyEmail = z.string().transform((v, ctx) => {
  const email = normaliseEmail(v);
  if (email === undefined) {
    ctx.issues.push({ code: 'custom', message: 'value is not a valid email address', input: v });
    return z.NEVER;
  }
  return email;
});
