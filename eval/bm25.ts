/**
 * @module eval/bm25
 * Okapi BM25 over a handful of short documents (the tools), with a small English tokenizer:
 * lower case, `snake_case` and `camelCase` split, stop words dropped, a light suffix stemmer
 * (`jobs` → `job`, `failed` → `fail`, `running` → `run`). Deterministic: ties keep the
 * documents' order.
 */

const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does doing for from had has have how i if in into is it its ' +
    'me my of on or our please so some than that the their them then there these they this those to us was we were ' +
    'what when where which who will with would you your e g eg one all any just about also only out up'
  ).split(' '),
);

/** A light stemmer: plural, -ed and -ing endings, the doubled consonant they leave (`runn` → `run`) and a final e. */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  const verbal = (w.length > 5 && w.endsWith('ing')) || (w.length > 4 && w.endsWith('ed'));
  if (verbal) {
    w = w.slice(0, w.endsWith('ing') ? -3 : -2);
    if (/([^aeiouls])\1$/.test(w)) w = w.slice(0, -1);
  } else if (w.length > 4 && /(?:ss|x|ch|sh|us)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** The terms of a text. */
export function tokenize(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 1 && !STOP_WORDS.has(t))
    .map(stem);
}

export interface Bm25Doc {
  id: string;
  text: string;
}

export interface Bm25Hit {
  id: string;
  score: number;
}

export class Bm25 {
  private readonly docs: { id: string; terms: Map<string, number>; length: number }[];
  private readonly df = new Map<string, number>();
  private readonly avgLength: number;

  constructor(
    docs: readonly Bm25Doc[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    this.docs = docs.map((doc) => {
      const terms = new Map<string, number>();
      const tokens = tokenize(doc.text);
      for (const t of tokens) terms.set(t, (terms.get(t) ?? 0) + 1);
      for (const t of terms.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      return { id: doc.id, terms, length: tokens.length };
    });
    this.avgLength = this.docs.reduce((n, d) => n + d.length, 0) / Math.max(1, this.docs.length);
  }

  /** Inverse document frequency (the non-negative BM25+ variant). */
  idf(term: string): number {
    const n = this.docs.length;
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Every document scored against `query`, best first. */
  rank(query: string): Bm25Hit[] {
    const terms = [...new Set(tokenize(query))];
    const scored = this.docs.map((doc, index) => {
      let score = 0;
      for (const term of terms) {
        const tf = doc.terms.get(term) ?? 0;
        if (tf === 0) continue;
        score +=
          (this.idf(term) * tf * (this.k1 + 1)) /
          (tf + this.k1 * (1 - this.b + (this.b * doc.length) / this.avgLength));
      }
      return { id: doc.id, score, index };
    });
    return scored.sort((x, y) => y.score - x.score || x.index - y.index).map(({ id, score }) => ({ id, score }));
  }
}
