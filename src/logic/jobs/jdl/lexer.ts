/**
 * @module logic/jobs/jdl/lexer
 * Splits JDL text into tokens for the parser: punctuation, comparison operators, double-quoted
 * strings (escapes decoded), and words (runs of anything else: names, numbers, paths such as
 * `/lhcb/data/f1`, `%(InputData)s`). Whitespace and comments (`// ...` and `/* ... *\/`, as in
 * Condor ClassAds; DIRAC's own parsers know none) are skipped but remembered, so the parser can
 * rebuild an expression's text. It owns positions and `JdlSyntaxError`s; it knows no grammar.
 */
import { JdlSyntaxError } from './ast.ts';

export type TokenKind = '[' | ']' | '{' | '}' | '(' | ')' | ';' | ',' | '=' | 'operator' | 'string' | 'word' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token; a string's quotes and escapes included. */
  text: string;
  /** The decoded contents of a string token (the text for other kinds). */
  value: string;
  /** Offset of the token's first character in the source. */
  start: number;
  /** Whether whitespace or a comment separates the token from the one before it. */
  spaced: boolean;
}

const PUNCTUATION = new Set(['[', ']', '{', '}', '(', ')', ';', ',']);
// Characters that end a word: punctuation, quotes, the starts of operators, and NUL (refused).
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL ends a word so that the parser can refuse it
const WORD_BREAK = /[\s[\]{}();,"=!<>\u0000]/;
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  "'": "'",
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
};

/** A pull tokenizer with one token of lookahead. */
export class JdlLexer {
  private pos = 0;
  private ahead: Token | undefined;

  constructor(private readonly source: string) {}

  /** The next token, without consuming it. */
  peek(): Token {
    this.ahead ??= this.scan();
    return this.ahead;
  }

  /** The next token, consumed. */
  next(): Token {
    const token = this.peek();
    this.ahead = undefined;
    return token;
  }

  /** A `JdlSyntaxError` located at `offset`. */
  errorAt(offset: number, reason: string): JdlSyntaxError {
    const { line, column } = this.locate(offset);
    return new JdlSyntaxError(line, column, reason);
  }

  /** The 1-based line and column of `offset` (`\n`, `\r\n` and `\r` each end a line). */
  locate(offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
      const c = this.source[i];
      if (c === '\n' || (c === '\r' && this.source[i + 1] !== '\n')) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: offset - lineStart + 1 };
  }

  private scan(): Token {
    const spaced = this.skipTrivia();
    const start = this.pos;
    const src = this.source;
    const c = src[start];
    const token = (kind: TokenKind, length: number): Token => {
      this.pos = start + length;
      const text = src.slice(start, start + length);
      return { kind, text, value: text, start, spaced };
    };
    if (c === undefined) return { kind: 'eof', text: '', value: '', start, spaced };
    // A raw NUL outside a string would be stored as is, and PostgreSQL text cannot hold it;
    // inside a string it is data (and printed back as `\u0000`).
    if (c === '\u0000') throw this.errorAt(start, 'unexpected NUL character (write "\\u0000" inside a string)');
    if (PUNCTUATION.has(c)) return token(c as TokenKind, 1);
    if (c === '"') return this.scanString(start, spaced);
    if (c === '=') {
      if (src[start + 1] === '=') return token('operator', 2);
      if ((src[start + 1] === '?' || src[start + 1] === '!') && src[start + 2] === '=') return token('operator', 3);
      return token('=', 1);
    }
    if (c === '!' || c === '<' || c === '>') return token('operator', src[start + 1] === '=' ? 2 : 1);
    let end = start + 1;
    while (end < src.length && !WORD_BREAK.test(src[end] ?? '')) end++;
    return token('word', end - start);
  }

  /** Skips whitespace and comments; true when anything was skipped. */
  private skipTrivia(): boolean {
    const src = this.source;
    const from = this.pos;
    for (;;) {
      while (this.pos < src.length && /\s/.test(src[this.pos] ?? '')) this.pos++;
      if (src.startsWith('//', this.pos)) {
        while (this.pos < src.length && src[this.pos] !== '\n' && src[this.pos] !== '\r') this.pos++;
      } else if (src.startsWith('/*', this.pos)) {
        const close = src.indexOf('*/', this.pos + 2);
        if (close === -1) throw this.errorAt(this.pos, 'unterminated comment (missing "*/")');
        this.pos = close + 2;
      } else {
        return this.pos > from;
      }
    }
  }

  /**
   * A double-quoted string. Escapes follow ClassAds (`\"`, `\\`, `\n`, `\t`, `\r`, `\b`, `\f`,
   * `\/`, `\'`, `\uXXXX`); any other backslash stays literal, because DIRAC has no escapes at all
   * and JDLs in the wild carry regular expressions such as `"\d+"`. Raw line breaks are kept.
   */
  private scanString(start: number, spaced: boolean): Token {
    const src = this.source;
    let value = '';
    let i = start + 1;
    for (;;) {
      const c = src[i];
      if (c === undefined) throw this.errorAt(start, "unterminated string (missing closing '\"')");
      if (c === '"') break;
      if (c !== '\\') {
        value += c;
        i++;
        continue;
      }
      const e = src[i + 1];
      if (e === undefined) throw this.errorAt(start, "unterminated string (missing closing '\"')");
      if (e === 'u') {
        const hex = /^[0-9A-Fa-f]{0,4}/.exec(src.slice(i + 2, i + 6))?.[0] ?? '';
        if (hex.length < 4) throw this.errorAt(i, `invalid escape "\\u${hex}" (expected 4 hexadecimal digits)`);
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        value += SIMPLE_ESCAPES[e] ?? `\\${e}`;
        i += 2;
      }
    }
    this.pos = i + 1;
    return { kind: 'string', text: src.slice(start, this.pos), value, start, spaced };
  }
}
