/**
 * @module logic/jobs/jdl/parse
 * Recursive-descent parser for JDL as DIRAC accepts it (`ClassAdLight`, `JDL.loadJDLAsCFG`):
 *
 *   document  := "[" attributes "]" | attributes          (DiracX wraps bare JDL in brackets)
 *   attributes:= { ";" } [ attribute { ";" { ";" } attribute } { ";" } ]
 *   attribute := NAME "=" value                           (last duplicate wins, as in DIRAC's dicts)
 *   value     := "{" [ value { "," value } [ "," ] ] "}" | "[" attributes "]" | expression
 *
 * An expression is every token up to the next `;` `,` `]` `}` outside brackets; alone, a string,
 * a number or `true`/`false` becomes that typed value, anything else (`ANY`, `std.err`,
 * `other.Site == "X"`, `%(InputData)s`) stays as its source text with each run of whitespace or
 * comments read as one space. It rejects what DIRAC would silently mangle, naming the position.
 * No I/O, no knowledge of job semantics.
 */
import {
  ATTRIBUTE_NAME_PATTERN,
  type JdlAttribute,
  type JdlDocument,
  type JdlSyntaxError,
  type JdlValue,
  NUMBER_PATTERN,
} from './ast.ts';
import { JdlLexer, type Token } from './lexer.ts';

const BOOLEAN_PATTERN = /^(?:true|false)$/i;
const CLOSERS: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
/** Lists and ClassAds nest this deep at most: the parser (and every tree walk) recurses per level. */
export const MAX_JDL_NESTING = 64;

/**
 * Parses a JDL document, with or without its surrounding `[ ... ]`.
 * @throws JdlSyntaxError naming the 1-based line and column of the first problem.
 */
export function parseJdl(text: string): JdlDocument {
  return new Parser(new JdlLexer(text)).document();
}

/**
 * Parses a single JDL value (`"x"`, `{1, 2}`, `other.Site == "X"`), as written after `Name =`.
 * @throws JdlSyntaxError when the text is not exactly one value.
 */
export function parseJdlValue(text: string): JdlValue {
  const parser = new Parser(new JdlLexer(text));
  return parser.valueThenEnd();
}

class Parser {
  private depth = 0;

  constructor(private readonly lx: JdlLexer) {}

  document(): JdlDocument {
    const first = this.lx.peek();
    if (first.kind === 'eof') throw this.expected(first, '"[" or an attribute name');
    if (first.kind !== '[') return { attributes: this.attributes(undefined) };
    this.lx.next();
    const attributes = this.attributes(first);
    const rest = this.lx.peek();
    if (rest.kind !== 'eof') throw this.expected(rest, 'end of input after the closing "]"');
    return { attributes };
  }

  valueThenEnd(): JdlValue {
    const value = this.value('end of input');
    const rest = this.lx.peek();
    if (rest.kind !== 'eof') throw this.expected(rest, 'end of input');
    return value;
  }

  /** Attributes up to the `]` matching `open` (consumed), or up to the end when `open` is absent. */
  private attributes(open: Token | undefined): JdlAttribute[] {
    const close = open ? ']' : 'eof';
    const closeText = open ? '"]"' : 'end of input';
    const attributes: JdlAttribute[] = [];
    const indexByName = new Map<string, number>();
    for (;;) {
      while (this.lx.peek().kind === ';') this.lx.next();
      const name = this.lx.next();
      if (name.kind === close) return attributes;
      if (name.kind !== 'word' || !ATTRIBUTE_NAME_PATTERN.test(name.text)) {
        throw this.expected(name, `an attribute name or ${closeText}`, open);
      }
      const equals = this.lx.next();
      if (equals.kind !== '=') throw this.expected(equals, `"=" after "${name.text}"`);
      const value = this.value(`";" or ${closeText}`, open);
      const index = indexByName.get(name.text);
      if (index === undefined) indexByName.set(name.text, attributes.push({ name: name.text, value }) - 1);
      else attributes[index] = { name: name.text, value };
      const after = this.lx.next();
      if (after.kind === close) return attributes;
      if (after.kind !== ';') throw this.expected(after, `";" or ${closeText}`, open);
    }
  }

  /** One value; `follow` names what may come after it, for the missing-`;` diagnosis. */
  private value(follow: string, open?: Token): JdlValue {
    const first = this.lx.peek();
    if (first.kind !== '{' && first.kind !== '[') return this.expression(follow, open);
    if (++this.depth > MAX_JDL_NESTING) {
      throw this.lx.errorAt(first.start, `too deeply nested (more than ${MAX_JDL_NESTING} levels of "{" and "[")`);
    }
    let value: JdlValue;
    if (first.kind === '{') {
      value = this.list();
    } else {
      this.lx.next();
      value = { kind: 'classad', attributes: this.attributes(first) };
    }
    this.depth--;
    return value;
  }

  private list(): JdlValue {
    const open = this.lx.next();
    const items: JdlValue[] = [];
    for (;;) {
      if (this.lx.peek().kind === '}') {
        this.lx.next();
        return { kind: 'list', items };
      }
      items.push(this.value('"," or "}"', open));
      const after = this.lx.next();
      if (after.kind === '}') return { kind: 'list', items };
      if (after.kind !== ',') throw this.expected(after, '"," or "}"', open);
    }
  }

  private expression(follow: string, open: Token | undefined): JdlValue {
    const tokens: Token[] = [];
    const nesting: Token[] = [];
    for (;;) {
      const t = this.lx.peek();
      const inner = nesting.at(-1);
      if (!inner && [';', ',', ']', '}', 'eof'].includes(t.kind)) break;
      if (t.kind === '=') {
        // No ClassAd operator is a lone "=": the previous word is most likely the next
        // attribute's name, written without the ";" that should end this value.
        const previous = tokens.at(-1);
        if (!inner && tokens.length >= 2 && previous?.kind === 'word' && ATTRIBUTE_NAME_PATTERN.test(previous.text)) {
          throw this.expected(previous, follow, open);
        }
        throw this.lx.errorAt(t.start, 'unexpected "=" in an expression (comparisons use "==")');
      }
      // Two strings in a row: a list missing its ",", or a value missing its ";" (DIRAC refuses it).
      if (!inner && t.kind === 'string' && tokens.at(-1)?.kind === 'string') throw this.expected(t, follow, open);
      if (t.kind === '(' || t.kind === '{' || t.kind === '[') nesting.push(t);
      else if (t.kind === ')' || t.kind === '}' || t.kind === ']' || t.kind === 'eof') {
        const closer = inner ? CLOSERS[inner.kind] : undefined;
        if (t.kind !== closer) throw this.expected(t, closer ? `"${closer}"` : follow, inner ?? open);
        nesting.pop();
      }
      tokens.push(this.lx.next());
    }
    return classify(tokens, () => this.expected(this.lx.peek(), 'a value'));
  }

  private expected(found: Token, what: string, open?: Token): JdlSyntaxError {
    let reason = `expected ${what} but found ${describe(found)}`;
    if (found.kind === 'eof' && open) {
      const { line, column } = this.lx.locate(open.start);
      reason += ` (the "${open.kind}" at line ${line}, column ${column} is not closed)`;
    }
    return this.lx.errorAt(found.start, reason);
  }
}

function classify(tokens: Token[], onEmpty: () => Error): JdlValue {
  const [only, ...more] = tokens;
  if (!only) throw onEmpty();
  if (more.length === 0 && only.kind === 'string') return { kind: 'string', value: only.value };
  if (more.length === 0 && only.kind === 'word') {
    if (NUMBER_PATTERN.test(only.text)) return { kind: 'number', value: Number(only.text), raw: only.text };
    if (BOOLEAN_PATTERN.test(only.text)) return { kind: 'boolean', value: only.text.toLowerCase() === 'true' };
  }
  const raw = tokens.map((t, i) => (i > 0 && t.spaced ? ' ' : '') + t.text).join('');
  return { kind: 'expression', raw };
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'end of input';
  const text = token.text.length > 40 ? `${token.text.slice(0, 37)}...` : token.text;
  return token.kind === 'string' ? `the string ${text}` : `"${text}"`;
}
