/**
 * @module logic/jobs/jdl/parametric-size
 * How large each job of a parametric JDL will be, in UTF-8 bytes of its printed JDL (what is
 * stored as the job's `OriginalJDL`), computed from the template and the parameter values
 * alone, before any job is built: a JDL of a few hundred bytes can ask for 10 000 jobs each
 * holding a megabyte, and building them first would be the attack.
 *
 * The template is walked once to count each placeholder where it stands (in text, as a whole
 * value, as a list item); a job's size is then the template's size plus, per occurrence, what
 * its value adds there, plus the `Parameter`/`ParameterNumber` markers. Values holding `%` can
 * create occurrences of later placeholders (DIRAC substitutes in turn); those are bounded by
 * counting every `%` that could start one, each priced at the value's widest rendering. The
 * result is an upper bound, exact for ordinary JDLs up to the few bytes of a re-read
 * expression. Pure arithmetic over the values: no job, no printed JDL, is built.
 */
import type { JdlDocument, JdlValue } from './ast.ts';
import { parameterText } from './parametric-substitute.ts';
import { printJdl, printValue, quoteJdlString } from './print.ts';

/** One placeholder in substitution order, with the value it takes in job `index`. */
export interface PlaceholderSequence {
  /** The placeholder counted. */
  placeholder: string;
  valueAt(index: number): JdlValue;
  /** The marker attribute that records the value (`Parameter`, `ParameterNumber`, ...). */
  marker: string;
  /** Whether the marker holds the value itself (`ParameterNumber`) rather than its text. */
  markerIsValue: boolean;
}

/** Bytes of one indentation level (`printJdl`'s four spaces). */
const UNIT = 4;
const encoder = new TextEncoder();
// biome-ignore lint/suspicious/noControlCharactersInRegex: all of ASCII, NUL included, is one UTF-8 byte per character
const utf8 = (text: string): number => (/^[\x00-\x7f]*$/.test(text) ? text.length : encoder.encode(text).length);

/** Where a placeholder stands in the template, counted per kind of place. */
interface Occurrences {
  /** The placeholder counted. */
  placeholder: string;
  /** In strings and inside expressions, of a plain attribute / of a list attribute. */
  text: [number, number];
  /** A value that is only the placeholder, by the depth of the line it starts on. */
  whole: Map<number, number>;
  /** A list item that is only the placeholder (a list value is spliced in), by depth. */
  item: Map<number, number>;
  total: number;
}

/** A value's printed sizes: flat, escaped as text, and as a block at any depth (linear in depth). */
interface ValueSize {
  textPlain: number;
  textInList: number;
  block0: number;
  blockLines: number;
  /** Spliced into a list: its items' lines (0 for a non-list). */
  splice0: number;
  spliceLines: number;
  items: number;
  isList: boolean;
  depth: number;
  /** `%` characters that could start a placeholder after insertion. */
  percents: number;
}

const escaped = (text: string): number => utf8(quoteJdlString(text)) - 2;

/** Bytes of `value` printed as a block at depth 0, and how many of its lines carry the base indentation. */
function blockShape(value: JdlValue): { bytes: number; lines: number; depth: number } {
  if (value.kind === 'list' && value.items.length > 0) {
    let bytes = 4 + 2 * (value.items.length - 1); // "{\n" "\n" "}" plus ",\n" between items
    let lines = 1 + value.items.length; // the items and the closing brace
    let depth = 0;
    for (const item of value.items) {
      const shape = blockShape(item);
      bytes += UNIT + shape.bytes + shape.lines * UNIT;
      lines += shape.lines;
      depth = Math.max(depth, shape.depth + 1);
    }
    return { bytes, lines, depth };
  }
  if (value.kind === 'classad' && value.attributes.length > 0) {
    let bytes = 4 + (value.attributes.length - 1);
    let lines = 1 + value.attributes.length;
    let depth = 0;
    for (const a of value.attributes) {
      const shape = blockShape(a.value);
      bytes += UNIT + a.name.length + 4 + shape.bytes + shape.lines * UNIT;
      lines += shape.lines;
      depth = Math.max(depth, shape.depth + 1);
    }
    return { bytes, lines, depth };
  }
  return { bytes: utf8(printValue(value)), lines: 0, depth: 0 };
}

/** `%` in `text` that could begin a placeholder once `text` sits next to other text. */
function loosePercents(text: string): number {
  let n = 0;
  for (let at = text.indexOf('%'); at >= 0; at = text.indexOf('%', at + 1)) {
    const next = text[at + 1];
    if (next === undefined || next === 's' || next === 'n' || next === '(' || next === '%') n++;
  }
  return n;
}

function sizeOf(value: JdlValue): ValueSize {
  const plain = parameterText(value, false);
  const inList = parameterText(value, true);
  const block = blockShape(value);
  let splice0 = 0;
  let spliceLines = 0;
  const items = value.kind === 'list' ? value.items : [];
  for (const item of items) {
    const shape = blockShape(item);
    splice0 += shape.bytes;
    spliceLines += 1 + shape.lines;
  }
  splice0 += 2 * Math.max(0, items.length - 1);
  return {
    textPlain: escaped(plain),
    textInList: escaped(inList),
    block0: block.bytes,
    blockLines: block.lines,
    splice0,
    spliceLines,
    items: items.length,
    isList: value.kind === 'list',
    depth: block.depth,
    percents: Math.max(loosePercents(plain), loosePercents(inList)),
  };
}

const blockAt = (s: ValueSize, depth: number): number => s.block0 + s.blockLines * depth * UNIT;

/** The most one occurrence can become, wherever it stands at depth `depth` or less. */
function widest(s: ValueSize, depth: number): number {
  return Math.max(s.textPlain, s.textInList, blockAt(s, depth), s.splice0 + s.spliceLines * depth * UNIT);
}

/** Occurrences of `needle` in `text` as `replaceAll` finds them (placeholders never overlap). */
function count(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

interface TemplateCensus {
  occurrences: Occurrences[];
  /** `%` of the template, outside placeholders, that a substitution could complete into one. */
  loose: number;
  depth: number;
}

function census(template: JdlDocument, placeholders: readonly string[]): TemplateCensus {
  const occurrences = placeholders.map(
    (placeholder): Occurrences => ({ placeholder, text: [0, 0], whole: new Map(), item: new Map(), total: 0 }),
  );
  const result: TemplateCensus = { occurrences, loose: 0, depth: 1 };
  const bump = (map: Map<number, number>, depth: number): void => void map.set(depth, (map.get(depth) ?? 0) + 1);
  const text = (value: string, inList: boolean): void => {
    if (!value.includes('%')) return;
    for (const o of occurrences) {
      const n = count(value, o.placeholder);
      o.text[inList ? 1 : 0] += n;
      o.total += n;
    }
    for (let at = value.indexOf('%'); at >= 0; at = value.indexOf('%', at + 1)) {
      if (placeholders.some((p) => value.startsWith(p, at))) continue;
      const next = value[at + 1];
      if (next === 's' || next === 'n' || next === '(' || next === '%') result.loose++;
    }
  };
  const visit = (value: JdlValue, inList: boolean, depth: number): void => {
    result.depth = Math.max(result.depth, depth);
    switch (value.kind) {
      case 'string':
        text(value.value, inList);
        return;
      case 'expression': {
        // indexOf's -1 (not a placeholder) reads as undefined.
        const o = occurrences[placeholders.indexOf(value.raw)];
        if (!o) {
          text(value.raw, inList);
          return;
        }
        bump(o.whole, depth);
        o.total++;
        return;
      }
      case 'list':
        for (const item of value.items) {
          const o = item.kind === 'expression' ? occurrences[placeholders.indexOf(item.raw)] : undefined;
          if (!o) visit(item, inList, depth + 1);
          else {
            bump(o.item, depth + 1);
            o.total++;
          }
        }
        return;
      case 'classad':
        for (const a of value.attributes) visit(a.value, inList, depth + 1);
        return;
      case 'number':
      case 'boolean':
        return;
    }
  };
  for (const a of template.attributes) visit(a.value, a.value.kind === 'list', 1);
  return result;
}

/**
 * An upper bound of the printed size, in UTF-8 bytes, of each of the `count` jobs that
 * substituting `sequences` (in order) into `template` gives; `Infinity` where it overflows.
 */
export function expandedJobSizes(
  template: JdlDocument,
  sequences: readonly PlaceholderSequence[],
  count: number,
): Float64Array {
  const placeholders = sequences.map((s) => s.placeholder);
  const { occurrences, loose, depth: templateDepth } = census(template, placeholders);
  // Values nest inside values only through substitution: the deepest line any can land on.
  let deepest = templateDepth + 1;
  const sizes: ValueSize[][] = sequences.map((s) => Array.from({ length: count }, (_, i) => sizeOf(s.valueAt(i))));
  for (const perJob of sizes) deepest += Math.max(0, ...perJob.map((s) => s.depth)) + 1;
  const base = utf8(printJdl(template)) + (template.attributes.length === 0 ? 2 : 0); // `[]` becomes `[\n...\n]`
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let bytes = base;
    const extra = new Float64Array(sequences.length);
    for (const [k, seq] of sequences.entries()) {
      const p = seq.placeholder.length;
      // biome-ignore lint/style/noNonNullAssertion: sizes has one row per sequence, of one entry per job (i < count)
      const s = sizes[k]![i]!;
      // biome-ignore lint/style/noNonNullAssertion: census gives one entry per placeholder, so per sequence
      const o = occurrences[k]!;
      bytes += o.text[0] * (s.textPlain - p) + o.text[1] * (s.textInList - p);
      for (const [d, n] of o.whole) bytes += n * (blockAt(s, d) - p);
      for (const [d, n] of o.item) {
        const line = d * UNIT + p;
        bytes +=
          n * (s.isList ? (s.items === 0 ? -line : s.splice0 + s.spliceLines * d * UNIT - line) : blockAt(s, d) - p);
      }
      const created = (extra[k] ?? 0) + (k > 0 ? loose : 0);
      bytes += created * Math.max(0, widest(s, deepest) - p);
      if (s.percents > 0)
        for (let j = k + 1; j < sequences.length; j++) extra[j] = (extra[j] ?? 0) + (o.total + created) * s.percents;
      const marker = seq.markerIsValue || s.isList ? blockAt(s, 1) : s.textPlain + 2;
      bytes += UNIT + seq.marker.length + 4 + marker + 1;
    }
    out[i] = bytes;
  }
  return out;
}
