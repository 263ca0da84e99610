/**
 * @module wire/json-syntax-error
 * Where and why a JSON text is malformed, in the words of CPython's `json` module (its C
 * scanner, Python 3.11), which FastAPI reports as `ctx.error` and `loc: ["body", pos]` of a
 * `json_invalid` error. Pure; called only on a text `JSON.parse` refused. Differences kept:
 * Python's `NaN`/`Infinity` constants are refused here too (so is any non-JSON token).
 */

export interface JsonSyntaxError {
  /** The position, in code points as Python counts them. */
  pos: number;
  /** CPython's message, e.g. `Expecting value`, `Expecting ',' delimiter`. */
  error: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class Fail extends Error {
  constructor(
    readonly at: number,
    readonly error: string,
  ) {
    super(error);
  }
}

function skip(text: string, i: number): number {
  while (WHITESPACE.has(text.charAt(i))) i++;
  return i;
}

/** Scans a string whose opening quote is at `start`; returns the index after its closing quote. */
function scanString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new Fail(start, 'Unterminated string starting at');
    const ch = text.charAt(i);
    if (ch === '"') return i + 1;
    if (ch < ' ') throw new Fail(i, 'Invalid control character at');
    if (ch !== '\\') {
      i++;
      continue;
    }
    const esc = text[i + 1];
    if (esc === undefined) throw new Fail(start, 'Unterminated string starting at');
    if (esc === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Fail(i + 1, 'Invalid \\uXXXX escape');
      i += 6;
    } else if (ESCAPES.has(esc)) i += 2;
    else throw new Fail(i, 'Invalid \\escape');
  }
}

function scanValue(text: string, i: number): number {
  const ch = text[i];
  if (ch === '"') return scanString(text, i);
  if (ch === '{') return scanObject(text, i + 1);
  if (ch === '[') return scanArray(text, i + 1);
  for (const word of ['null', 'true', 'false']) if (text.startsWith(word, i)) return i + word.length;
  NUMBER.lastIndex = i;
  if (NUMBER.exec(text)) return NUMBER.lastIndex;
  throw new Fail(i, 'Expecting value');
}

function scanObject(text: string, i: number): number {
  i = skip(text, i);
  if (text[i] === '}') return i + 1;
  for (;;) {
    if (text[i] !== '"') throw new Fail(i, 'Expecting property name enclosed in double quotes');
    i = skip(text, scanString(text, i));
    if (text[i] !== ':') throw new Fail(i, "Expecting ':' delimiter");
    i = skip(text, scanValue(text, skip(text, i + 1)));
    if (text[i] === '}') return i + 1;
    if (text[i] !== ',') throw new Fail(i, "Expecting ',' delimiter");
    i = skip(text, i + 1);
  }
}

function scanArray(text: string, i: number): number {
  i = skip(text, i);
  if (text[i] === ']') return i + 1;
  for (;;) {
    i = skip(text, scanValue(text, i));
    if (text[i] === ']') return i + 1;
    if (text[i] !== ',') throw new Fail(i, "Expecting ',' delimiter");
    i = skip(text, i + 1);
  }
}

/** CPython's complaint about `text`, or undefined when its scanner accepts it (or nests too deep to say). */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const codePoints = (end: number): number => [...text.slice(0, end)].length;
  if (text.startsWith('\ufeff')) return { pos: 0, error: 'Unexpected UTF-8 BOM (decode using utf-8-sig)' };
  try {
    const end = skip(text, scanValue(text, skip(text, 0)));
    return end === text.length ? undefined : { pos: codePoints(end), error: 'Extra data' };
  } catch (err) {
    if (err instanceof Fail) return { pos: codePoints(err.at), error: err.error };
    // Nesting deeper than the stack (Python fails there too, with a RecursionError).
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}
