/**
 * @module logic/jobs/jdl/dirac-classad
 * An emulation of DIRAC's `ClassAdLight.ClassAd` (DIRACCommon 9.1, the one DiracX 0.7.0 runs),
 * so that the JDL we store is the text DiracX stores: a flat dictionary from attribute name to
 * the value's raw text (quotes kept, line breaks deleted), read by DIRAC's own scanner, and
 * written back by `asJDL` sorted by name, four-space indented, lists one item per line and
 * nested ClassAds re-read and indented. Where DIRAC's scanner would never finish (it restarts
 * from the beginning) or raises, this throws `DiracJdlError` instead. No knowledge of jobs.
 */
import { DiracJdlError } from './ast.ts';
import { comparePyStrings, pyInt, pyStrip } from './python-text.ts';

const NEVER_ENDS = "DiracX's JDL reader (ClassAdLight) would never finish reading this JDL";

/** DIRAC's `ClassAd`: attribute name to raw value text, in insertion order (a Python dict). */
export class DiracClassAd {
  private readonly contents: Map<string, string>;

  /** `ClassAd(jdl)`: the text must start with `[` and end with `]`, or the ClassAd is empty. */
  constructor(jdl: string) {
    this.contents = analyse(jdl);
  }

  /** `isOK()`: whether anything was read. */
  isOK(): boolean {
    return this.contents.size > 0;
  }

  /** `getAttributes()`: the names, in insertion order. */
  names(): string[] {
    return [...this.contents.keys()];
  }

  /** `lookupAttribute(name)`. */
  has(name: string): boolean {
    return this.contents.has(name);
  }

  /** `get_expression(name)`: the raw text, `""` when absent. */
  expression(name: string): string {
    return this.contents.get(name) ?? '';
  }

  /** `set_expression(name, text)` and `insertAttributeInt(name, value)`: the text as is. */
  setExpression(name: string, text: string): void {
    this.contents.set(name, text);
  }

  /** `insertAttributeString(name, value)`: the value between double quotes, unescaped. */
  setString(name: string, value: string): void {
    this.contents.set(name, `"${value}"`);
  }

  /** `insertAttributeVectorString(name, values)`: `{"a","b"}`. */
  setStrings(name: string, values: readonly string[]): void {
    this.contents.set(name, `{${values.map((v) => `"${v}"`).join(',')}}`);
  }

  /** `deleteAttribute(name)`. */
  delete(name: string): void {
    this.contents.delete(name);
  }

  /** `isAttributeList(name)`. */
  isList(name: string): boolean {
    return pyStrip(this.expression(name)).startsWith('{');
  }

  /** `getAttributeString(name)`: the raw text with every `"` removed, `""` when absent. */
  getString(name: string): string {
    return this.expression(name).replaceAll('"', '');
  }

  /** `getAttributeInt(name)`: Python's `int()` of the text without quotes, or undefined. */
  getInt(name: string): bigint | undefined {
    return this.has(name) ? pyInt(this.getString(name)) : undefined;
  }

  /** `getListFromExpression(name)`, quirks included (spaces removed, nested lists kept as text). */
  getList(name: string): string[] {
    return listFromExpression(this.expression(name));
  }

  /** `asJDL()`: the text DIRAC writes, e.g. `[ \n    A = 1;\n    B = \n        {\n ... }\n]`. */
  asJdl(): string {
    const out: string[] = [];
    const entries = [...this.contents.entries()].sort(([a], [b]) => comparePyStrings(a, b));
    for (const [name, value] of entries) {
      if (value.startsWith('{')) {
        out.push(`    ${name} = \n`, '        {\n');
        for (const item of value.slice(1, -1).split(',')) out.push(`            ${pyStrip(item)},\n`);
        out.push(dropLast(out.pop() ?? '', 2), '\n        };\n');
      } else if (value.startsWith('[')) {
        out.push(`    ${name} = \n`);
        for (const line of `${new DiracClassAd(value).asJdl()};`.split('\n')) out.push(`        ${line}\n`);
      } else {
        out.push(`    ${name} = ${value};\n`);
      }
    }
    if (out.length > 0) out.push(dropLast(out.pop() ?? '', 1));
    return `[ \n${out.join('')}\n]`;
  }
}

/** Python's `text[:-n]`. */
const dropLast = (text: string, n: number): string => text.slice(0, Math.max(0, text.length - n));

/** `__analyse_jdl`: DIRAC's scanner, which finds names by `=` and values by `;` or `[`. */
function analyse(jdl: string): Map<string, string> {
  const text = pyStrip(jdl);
  if (text.length === 0) throw new DiracJdlError('Empty JDL'); // Python: IndexError
  const result = new Map<string, string>();
  if (text[0] !== '[' || text[text.length - 1] !== ']') return result;
  const body = text.slice(1, -1);
  let index = 0;
  // The first "[" at or after `index`; reading only moves forward, so the search need not start
  // over for every attribute (DIRAC's does: quadratic in the number of attributes).
  let open = -2;
  while (index < body.length) {
    const equals = body.indexOf('=', index);
    if (equals === -1) break;
    const name = body.slice(index, equals);
    index = equals + 1;
    if (index >= body.length) break; // DIRAC checks the loop condition between name and value
    if (open !== -1 && open < index) open = body.indexOf('[', index);
    const semicolon = body.indexOf(';', index);
    let value: string;
    let next: number;
    if (open !== -1 && open < semicolon) {
      [value, next] = findSubJdl(body, open);
    } else if (open === -1 && semicolon === -1) {
      value = body.slice(index);
      next = body.length;
    } else {
      if (index === semicolon) return new Map(); // an empty value empties the whole ClassAd
      value = body.slice(index, semicolon); // semicolon === -1: Python's body[index:-1]
      next = semicolon + 1;
    }
    result.set(pyStrip(name), pyStrip(value).replaceAll('\n', ''));
    // DIRAC goes on from `next`; 0 starts the same scan again, forever.
    if (next === 0) throw new DiracJdlError(NEVER_ENDS);
    index = next;
  }
  return result;
}

/** `__find_subjdl`: the `[...]` starting at `index` and where reading goes on (0: DIRAC restarts). */
function findSubJdl(body: string, index: number): [string, number] {
  let depth = 0;
  let at = index;
  // DIRAC stops at ten levels; the guard only bounds inputs whose brackets send it back and forth.
  for (let guard = 0; depth < 10; guard++) {
    if (guard > body.length + 20) throw new DiracJdlError(NEVER_ENDS);
    const close = body.indexOf(']', at + 1);
    const open = body.indexOf('[', at + 1);
    if (open !== -1 && open < close) {
      depth++;
      at = open;
    } else if (depth > 0) {
      depth--;
      at = close;
    } else {
      const found = body.slice(index, close + 1);
      if (close + 1 >= body.length) throw new DiracJdlError(`${NEVER_ENDS} (it fails on a nested ClassAd at the end)`);
      return body[close + 1] === ';' ? [found, close + 2] : [found, 0];
    }
  }
  return ['', 0];
}

/** `getListFromExpression` on a raw value. */
function listFromExpression(expression: string): string[] {
  let text = pyStrip(expression);
  let listMode = false;
  if (text.startsWith('{')) {
    text = text.slice(1, -1);
    listMode = true;
  }
  text = text.replaceAll(' ', '').replaceAll('\n', '');
  if (!text.includes('{') && !listMode) {
    text = text.replaceAll('"', '');
    return text ? text.split(',') : [];
  }
  const result: string[] = [];
  while (text) {
    if (text.startsWith('{')) {
      const end = text.indexOf('}');
      if (end === -1) throw new DiracJdlError(NEVER_ENDS); // Python loops on the same text forever
      result.push(text.slice(0, end + 1));
      text = text.slice(end + 1);
    } else if (text.startsWith('"')) {
      const end = text.slice(1).indexOf('"');
      result.push(text.slice(1, end + 1));
      text = text.slice(end + 2);
    } else {
      const end = text.indexOf(',');
      if (end < 0) {
        result.push(text.replaceAll('"', ''));
        break;
      }
      result.push(text.slice(0, end).replaceAll('"', ''));
      text = text.slice(end + 1);
      continue;
    }
    if (text.startsWith(',')) text = text.slice(1);
  }
  return result;
}
