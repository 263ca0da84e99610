/**
 * @module routes/auth/pages/html
 * A tiny HTML builder for the login pages. The `html` tag escapes every interpolated value
 * (`& < > " '` and the backtick), so attacker-controlled text (client names, redirect URIs)
 * can only ever appear as text; trusted fragments pass through only when built by `html`
 * itself or wrapped explicitly in `raw()`. Arrays are joined without separator; `null`,
 * `undefined` and booleans render nothing (so `${cond && html`...`}` works). `page()` is the
 * one layout: no scripts, no external assets, a single inline `<style>` carrying the CSP nonce.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** `text` with `& < > " '` and backtick replaced by character references. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that is already safe; only `html` and `raw` make one. */
class SafeHtml {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}
export type { SafeHtml };

/** What may be interpolated into `html`. */
export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

/** Marks trusted markup (never anything derived from a request). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (value === null || value === undefined || typeof value === 'boolean') return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: the literal parts are trusted, every interpolated value is escaped. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

// The three longest rules of STYLE, apart only to keep the source lines short.
const ROOT_RULE =
  ':root { color-scheme: light; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; ' +
  'color: #1a1a1a; background: #f3f4f6; }';
const MAIN_RULE =
  'main { max-width: 38rem; margin: 1rem auto; padding: 1.5rem; background: #fff; ' +
  'border: 1px solid #c4c7cc; border-radius: 8px; }';
const TAG_RULE =
  '.tag { display: inline-block; padding: 0 .4rem; border: 1px solid #8a4b00; border-radius: 4px; ' +
  'color: #8a4b00; font-size: .85rem; font-weight: 600; }';

/** Readable, high-contrast, visible focus, no layout that needs JavaScript. */
const STYLE = `
${ROOT_RULE}
body { margin: 0; padding: 1rem; }
${MAIN_RULE}
h1 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
p, ul, dl { margin: 0 0 1rem; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
.host { font-size: 1.3rem; font-weight: 700; overflow-wrap: anywhere; }
.muted { color: #4b5058; }
${TAG_RULE}
.warn { border-left: 4px solid #b3261e; background: #fdf1f0; padding: .75rem 1rem; margin: 0 0 1rem; }
.error { border-left: 4px solid #b3261e; padding: .5rem 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
fieldset { border: 1px solid #c4c7cc; border-radius: 6px; margin: 0 0 1rem; padding: .5rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
.choice { padding: .25rem 0; }
.choice label { margin-left: .4rem; }
.actions { display: flex; flex-wrap: wrap; gap: 1rem; margin-top: 1.5rem; }
button { font: inherit; padding: .5rem 1.25rem; border: 2px solid #0b57d0; border-radius: 6px; cursor: pointer; }
button.primary { background: #0b57d0; color: #fff; }
button.secondary { background: #fff; color: #0b57d0; }
:focus-visible { outline: 3px solid #c25e00; outline-offset: 2px; }
`;

export interface PageOptions {
  /** The document title (plain text). */
  readonly title: string;
  /** The content of `<main>`. */
  readonly body: SafeHtml;
  /** The CSP nonce of this response (see `headers.ts`). */
  readonly nonce: string;
}

/** A whole document: the only place `<head>` is written. */
export function page({ title, body, nonce }: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style nonce="${nonce}">${raw(STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.toString();
}
