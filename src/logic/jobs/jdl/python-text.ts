/**
 * @module logic/jobs/jdl/python-text
 * The few Python string built-ins DIRAC's JDL code leans on, with Python's exact semantics:
 * `str.strip()` (Python's whitespace set, not JavaScript's), `int(text)` and `float(text)` as
 * validity tests, `List.fromChar`, and `sorted()` order for names (code points, not UTF-16 units).
 * Used by the DIRAC emulation (`dirac-classad.ts`, `dirac-cfg.ts`) so that its output matches
 * DIRACCommon's byte for byte. Pure functions, no JDL knowledge.
 */

/** The characters Python's `str.isspace()` accepts, which `str.strip()` removes. */
const PY_SPACE =
  '\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680' +
  '\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** Python's `text.strip()`. */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && PY_SPACE.includes(text[start] ?? '')) start++;
  while (end > start && PY_SPACE.includes(text[end - 1] ?? '')) end--;
  return text.slice(start, end);
}

// Digits as Python reads them in int()/float(): groups separated by single underscores. Python
// also accepts non-ASCII decimal digits; DIRAC's JDLs never carry them, so they read as text here.
const DIGITS = '[0-9](?:_?[0-9])*';
const PY_INT = new RegExp(`^[+-]?${DIGITS}$`);
const PY_FLOAT = new RegExp(
  `^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`,
  'i',
);

/** Python's `int(text)` for a str, or `undefined` where it raises `ValueError`. */
export function pyInt(text: string): bigint | undefined {
  const stripped = pyStrip(text);
  return PY_INT.test(stripped) ? BigInt(stripped.replaceAll('_', '')) : undefined;
}

/** Whether Python's `float(text)` accepts the str (DIRAC then writes the value unquoted). */
export function isPyFloat(text: string): boolean {
  return PY_FLOAT.test(pyStrip(text));
}

/** DIRAC's `List.fromChar`: split on `separator`, items stripped, empty ones dropped. */
export function listFromChar(text: string, separator = ','): string[] {
  return text
    .split(separator)
    .map(pyStrip)
    .filter((item) => item.length > 0);
}

/** Python's ordering of two str: by code point (JavaScript's `<` compares UTF-16 units). */
export function comparePyStrings(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
