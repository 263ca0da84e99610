/**
 * @module logic/jobs/jdl/dirac-cfg
 * An emulation of DIRAC's `loadJDLAsCFG` and `dumpCFGAsJDL` (DIRACCommon's `Core/Utilities/JDL.py`
 * over `diraccfg.CFG`), the round trip DiracX 0.7.0's `JobManifest` puts every submitted JDL
 * through: every value becomes a string (quotes dropped, a list's items joined with `", "`, nested
 * ClassAds become sections), and is written back two-space indented, in order, with one item
 * quoted unless Python's `float()` reads it and several comma-separated items as a list.
 *
 * DIRAC's own refusals keep DIRAC's messages. Where DIRAC would silently lose part of a value, or
 * hand the ClassAd reader a text it cuts or never finishes, this throws `DiracJdlError` instead
 * (see docs/compatibility.md): a string holding `;`, `[`, `]` or a line break, text after a
 * closing quote, an attribute name that is not one (a comment read into the next name).
 */
import { ATTRIBUTE_NAME_PATTERN, DiracJdlError } from './ast.ts';
import { isPyFloat, listFromChar, pyStrip } from './python-text.ts';

/** A `diraccfg.CFG`: options (strings) and sections, in insertion order. */
export class DiracCfg {
  private readonly entries = new Map<string, string | DiracCfg>();

  /** `setOption(name, value)`: replaces in place, or appends. */
  setOption(name: string, value: string): void {
    this.entries.set(name, value);
  }

  /** `createNewSection(name, contents)`; DIRAC raises (a 500 in DiracX) when the name exists. */
  createSection(name: string, contents: DiracCfg): void {
    if (this.entries.has(name)) throw new DiracJdlError(`${name} is defined twice`);
    this.entries.set(name, contents);
  }

  /** `name in cfg`. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** An option's value; undefined for a section or when absent. */
  option(name: string): string | undefined {
    const value = this.entries.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  /** The entries in order. */
  list(): [string, string | DiracCfg][] {
    return [...this.entries.entries()];
  }
}

/** `loadJDLAsCFG(jdl)`: the manifest DIRAC reads from the text. */
export function loadJdlAsCfg(jdl: string): DiracCfg {
  return load(jdl)[0];
}

function load(jdl: string): [DiracCfg, number] {
  let at = jdl[0] === '[' ? 1 : 0;
  let key = '';
  let value = '';
  let inKey = true;
  let inLiteral = false;
  const cfg = new DiracCfg();
  for (; at < jdl.length; at++) {
    const c = jdl[at];
    if (c === ';' && !inLiteral) {
      if (pyStrip(key)) assignValue(key, value, cfg);
      [key, value, inKey] = ['', '', true];
    } else if (c === '[' && !inLiteral) {
      key = pyStrip(key);
      if (!key) throw new DiracJdlError('Invalid key in JDL');
      if (pyStrip(value))
        throw new DiracJdlError(`Key ${key} seems to have a value and open a sub JDL at the same time`);
      const [sub, length] = load(jdl.slice(at));
      cfg.createSection(checkedKey(key), sub);
      [key, value, inKey, inLiteral] = ['', '', true, false];
      at += length;
    } else if (c === '=' && !inLiteral && inKey) {
      inKey = false;
    } else if (c === ']' && !inLiteral) {
      if (pyStrip(key)) assignValue(key, value, cfg);
      return [cfg, at];
    } else if (inKey) {
      key += c;
    } else {
      value += c;
      if (c === '"') inLiteral = !inLiteral;
    }
  }
  return [cfg, at];
}

function assignValue(rawKey: string, rawValue: string, cfg: DiracCfg): void {
  const key = pyStrip(rawKey);
  if (!key) throw new DiracJdlError('Invalid key name');
  const value = pyStrip(rawValue);
  if (!value) throw new DiracJdlError(`No value for key ${key}`);
  const clean = (text: string): string => {
    try {
      return cleanValue(text);
    } catch (err) {
      if (err instanceof DiracJdlError) throw new DiracJdlError(`Var ${key} : ${err.message}`);
      throw err;
    }
  };
  if (value.startsWith('{')) {
    if (!value.endsWith('}')) throw new DiracJdlError(`Value '${value}' seems a list but does not end in '}'`);
    cfg.setOption(checkedKey(key), listFromChar(value.slice(1, -1)).map(clean).join(', '));
  } else {
    cfg.setOption(checkedKey(key), clean(value));
  }
}

/** `cleanValue`: a quoted value's contents (several quoted parts joined), else the text without quotes. */
function cleanValue(raw: string): string {
  const value = pyStrip(raw);
  if (!value.startsWith('"')) return value.replaceAll('"', '');
  const entries: string[] = [];
  let current = '';
  let inside = true;
  for (const c of value.slice(1)) {
    if (c !== '"') current += c;
    else if (inside) {
      entries.push(checkedLiteral(current));
      [current, inside] = ['', false];
    } else {
      if (pyStrip(current) !== ',') throw new DiracJdlError('value seems a list but is not separated in commas');
      [current, inside] = ['', true];
    }
  }
  if (inside) throw new DiracJdlError('value is opened with " but is not closed');
  // DIRAC drops whatever follows the last closing quote.
  if (pyStrip(current))
    throw new DiracJdlError(`text after a closing quote would be dropped by DiracX: ${pyStrip(current)}`);
  return entries.join(', ');
}

/** A string's contents, refused where DiracX's ClassAd reader would cut, hang on or delete part of it. */
function checkedLiteral(text: string): string {
  const bad = /[;[\]\n]/.exec(text)?.[0];
  if (bad === undefined) return text;
  const what = bad === '\n' ? 'a line break' : `"${bad}"`;
  throw new DiracJdlError(
    `a string holding ${what} would be stored mangled by DiracX: "${text.replaceAll('\n', '\\n')}"`,
  );
}

/** A name as DIRAC read it; anything else came from text DIRAC misreads (a comment, mostly). */
function checkedKey(key: string): string {
  if (ATTRIBUTE_NAME_PATTERN.test(key)) return key;
  throw new DiracJdlError(
    `DiracX would read ${JSON.stringify(key)} as one attribute name (comments are not part of DIRAC's JDL)`,
  );
}

/** DIRAC's attributes that `dumpCFGAsJDL` never writes as lists. */
const NEVER_LISTS = new Set(['Arguments', 'Executable', 'StdOutput', 'StdError']);

/** `dumpCFGAsJDL(cfg)`: `[\n  A = 1;\n  B = "x";\n  C =\n  {\n    "a",\n    "b"\n  };\n]`. */
export function dumpCfgAsJdl(cfg: DiracCfg, level = 1): string {
  const tab = '  ';
  const indent = tab.repeat(level);
  const lines = [`${tab.repeat(level - 1)}[`];
  for (const [key, value] of cfg.list()) {
    if (typeof value !== 'string') {
      lines.push(`${indent}${key} =`, `${dumpCfgAsJdl(value, level + 1)};`);
      continue;
    }
    const items = listFromChar(value);
    if (items.length < 2 || NEVER_LISTS.has(key)) {
      lines.push(isPyFloat(value) ? `${indent}${key} = ${value};` : `${indent}${key} = "${value}";`);
    } else {
      const written = items.map((item) => `${tab.repeat(level + 1)}${isPyFloat(item) ? item : `"${item}"`}`);
      lines.push(`${indent}${key} =`, `${indent}{`, written.join(',\n'), `${indent}};`);
    }
  }
  lines.push(`${tab.repeat(level - 1)}]`);
  return lines.join('\n');
}
