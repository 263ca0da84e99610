/**
 * @module logic/jobs/jdl/print
 * Turns a JDL tree back into text, in the layout DIRAC's `dumpCFGAsJDL`/`ClassAd.asJDL` write:
 * one attribute per line inside `[ ... ]`, lists opened on the attribute's line with one item per
 * line. Unlike DIRAC it keeps the document's order and types: strings are quoted and escaped,
 * numbers, booleans and expressions are written as they were read, so `parseJdl(printJdl(doc))`
 * gives `doc` back. It validates names but never reorders, merges or drops attributes.
 */
import { ATTRIBUTE_NAME_PATTERN, type JdlAttribute, type JdlDocument, type JdlValue } from './ast.ts';

/** How `printJdl` indents. */
export interface PrintJdlOptions {
  /** One level of indentation; four spaces by default, as `ClassAd.asJDL`. */
  indent?: string;
}

/**
 * The whole document, e.g. `[\n    Executable = "x";\n    InputData = {\n        "a"\n    };\n]`.
 * @throws TypeError when an attribute name could not be read back (not `[A-Za-z_][A-Za-z0-9_.]*`).
 */
export function printJdl(doc: JdlDocument, options: PrintJdlOptions = {}): string {
  return printClassAd(doc.attributes, options.indent ?? '    ', '');
}

/** One value on a single line: `"a\"b"`, `{"a", {1, 2}}`, `[A = 1; B = "x"]`. */
export function printValue(value: JdlValue): string {
  switch (value.kind) {
    case 'string':
      return quoteJdlString(value.value);
    case 'number':
      return value.raw;
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'expression':
      return value.raw;
    case 'list':
      return `{${value.items.map(printValue).join(', ')}}`;
    case 'classad':
      return `[${value.attributes.map((a) => `${checkedName(a.name)} = ${printValue(a.value)}`).join('; ')}]`;
  }
}

/**
 * A JDL string literal for `text`: `"` and `\` escaped, line breaks and tabs as `\n` `\r` `\t`,
 * other control characters as `\uXXXX`; everything else, unicode included, written as is.
 */
export function quoteJdlString(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

function printClassAd(attributes: JdlAttribute[], unit: string, outer: string): string {
  if (attributes.length === 0) return '[]';
  const inner = outer + unit;
  const lines = attributes.map((a) => `${inner}${checkedName(a.name)} = ${printBlock(a.value, unit, inner)};`);
  return `[\n${lines.join('\n')}\n${outer}]`;
}

/** A value that may span lines; `at` is the indentation of the line it starts on. */
function printBlock(value: JdlValue, unit: string, at: string): string {
  if (value.kind === 'classad') return printClassAd(value.attributes, unit, at);
  if (value.kind !== 'list') return printValue(value);
  if (value.items.length === 0) return '{}';
  const inner = at + unit;
  const items = value.items.map((item) => `${inner}${printBlock(item, unit, inner)}`);
  return `{\n${items.join(',\n')}\n${at}}`;
}

function checkedName(name: string): string {
  if (!ATTRIBUTE_NAME_PATTERN.test(name)) throw new TypeError(`invalid JDL attribute name: ${JSON.stringify(name)}`);
  return name;
}
