/**
 * @module logic/jobs/regex-safety
 * Finds the constructs of a PostgreSQL regular expression (ARE syntax, as `~` reads it) whose
 * matching cost can explode with the text: backreferences (`\1`), a quantifier applied to a
 * group that holds a quantifier or an alternation (`(a+)+`, `(a*)*`, `(a|a)*`), a quantifier
 * on a quantifier (`a**`, `a{2}{3}`), and counted repetitions above a small bound (`{1000}`,
 * `{1,5000}`). PostgreSQL's engine copes with most patterns in linear time, but these are the
 * ones that make it (or MySQL's, beside DiracX) backtrack or build huge automata, and a job
 * search never needs them: `[ab]*` says what `(a|b)*` says. A scanner, not a parser: syntax
 * errors are left to PostgreSQL, which validates the pattern afterwards. Pure.
 */

/** The largest `{m}` / `{m,n}` count accepted (PostgreSQL's own ceiling is 255). */
export const MAX_REGEX_REPETITION = 100;

const COUNTED = /^\{(\d+)(?:,(\d*))?\}/;

interface Group {
  /** The group holds a quantifier or an alternation somewhere inside. */
  risky: boolean;
}

type Previous = 'none' | 'atom' | 'group' | 'quantifier';

/** The end (exclusive) of the bracket expression opening at `start`. */
function bracketEnd(pattern: string, start: number): number {
  let j = start + 1;
  if (pattern[j] === '^') j++;
  if (pattern[j] === ']') j++;
  while (j < pattern.length && pattern[j] !== ']') {
    const next = pattern[j + 1];
    if (pattern[j] === '[' && (next === ':' || next === '.' || next === '=')) {
      const close = pattern.indexOf(`${next}]`, j + 2);
      j = close < 0 ? pattern.length : close + 2;
    } else {
      j += pattern[j] === '\\' ? 2 : 1;
    }
  }
  return j + 1;
}

/** The length of a group opener at `i` (`(`, `(?:`, `(?=`, `(?<!`...), or 0 for embedded options `(?i)`. */
function groupOpener(pattern: string, i: number): number {
  if (pattern[i + 1] !== '?') return 1;
  const kind = pattern.slice(i + 2, i + 4);
  if (kind.startsWith(':') || kind.startsWith('=') || kind.startsWith('!')) return 3;
  if (kind === '<=' || kind === '<!') return 4;
  return 0;
}

/**
 * Why `pattern` is refused, or `undefined` when it has none of the constructs above. The
 * answer names the construct and, for counts, the bound.
 */
export function regexHazard(pattern: string): string | undefined {
  if (pattern.startsWith('***=')) return undefined; // the rest is a literal string
  const text = pattern.startsWith('***:') ? pattern.slice(4) : pattern;
  const groups: Group[] = [{ risky: false }];
  let previous: Previous = 'none';
  let lastGroupRisky = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const top = groups[groups.length - 1] as Group;
    if (ch === '\\') {
      if (/[1-9]/.test(text[i + 1] ?? '')) return `backreferences (\\${text[i + 1]}) are not allowed`;
      i += 2;
      previous = 'atom';
    } else if (ch === '[') {
      i = bracketEnd(text, i);
      previous = 'atom';
    } else if (ch === '(') {
      const opener = groupOpener(text, i);
      if (opener === 0) {
        const close = text.indexOf(')', i);
        i = close < 0 ? text.length : close + 1;
        continue;
      }
      groups.push({ risky: false });
      i += opener;
      previous = 'none';
    } else if (ch === ')' && groups.length > 1) {
      const group = groups.pop() as Group;
      const parent = groups[groups.length - 1] as Group;
      parent.risky ||= group.risky;
      lastGroupRisky = group.risky;
      i++;
      previous = 'group';
    } else if (ch === '|') {
      top.risky = true;
      i++;
      previous = 'none';
    } else if (ch === '*' || ch === '+' || ch === '?' || (ch === '{' && COUNTED.test(text.slice(i)))) {
      let length = 1;
      if (ch === '{') {
        const [whole, low = '0', high] = COUNTED.exec(text.slice(i)) as RegExpExecArray;
        if (
          Number(low) > MAX_REGEX_REPETITION ||
          (high !== undefined && high !== '' && Number(high) > MAX_REGEX_REPETITION)
        ) {
          return `repetition counts above ${MAX_REGEX_REPETITION} (${whole}) are not allowed`;
        }
        length = whole.length;
      }
      if (previous === 'quantifier') return 'a quantifier on a quantifier, such as a** or a{2}{3}, is not allowed';
      if (previous === 'group' && lastGroupRisky) {
        return 'a quantified group that holds a quantifier or an alternation, such as (a+)+ or (a|b)*, is not allowed';
      }
      top.risky = true;
      i += length;
      if (text[i] === '?') i++; // non-greedy marker, part of this quantifier
      previous = 'quantifier';
    } else {
      i++;
      previous = ch === '^' || ch === '$' ? 'none' : 'atom';
    }
  }
  return undefined;
}
