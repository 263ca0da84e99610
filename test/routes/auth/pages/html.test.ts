/**
 * The HTML builder: every interpolated value is escaped (including as attribute values),
 * trusted fragments pass only through `html` or `raw`, and `page()` is a complete, script-free
 * document whose one `<style>` carries the nonce.
 */
import { describe, expect, it } from 'bun:test';
import fc from 'fast-check';
import { escapeHtml, html, page, raw } from '../../../../src/routes/auth/pages/html.ts';
import { byTag, decode, HOSTILE, parse } from './inspect.ts';

const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('escapeHtml', () => {
  it('replaces & < > " \' and backtick', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
    expect(escapeHtml('plain text é')).toBe('plain text é');
  });
});

describe('html', () => {
  it('escapes interpolated strings and leaves literal markup alone', () => {
    expect(html`<p title="${'"x"'}">${'<b>'}</p>`.toString()).toBe('<p title="&quot;x&quot;">&lt;b&gt;</p>');
  });

  it('joins arrays, nests html fragments and passes raw() through', () => {
    const items = ['a<', 'b'].map((s) => html`<li>${s}</li>`);
    expect(html`<ul>${items}</ul>`.toString()).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${raw('<br>')}${['<', raw('<hr>')]}`.toString()).toBe('<br>&lt;<hr>');
  });

  it('renders null, undefined and booleans as nothing, numbers as text', () => {
    expect(html`[${null}${undefined}${false}${true}${0}${12n}]`.toString()).toBe('[012]');
  });

  it('does not trust an object that merely looks like markup', () => {
    const fake = { toString: () => '<script>' } as unknown as string;
    expect(html`${fake}`.toString()).toBe('&lt;script&gt;');
  });

  it('round-trips any string as text and never lets it open a tag or end an attribute', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const escaped = html`${s}`.toString();
        expect(escaped).not.toMatch(/[<>"'`]/);
        expect(decode(escaped)).toBe(s);
        expect(html`<p title="${s}">${s}</p>`.toString()).toBe(`<p title="${escaped}">${escaped}</p>`);
      }),
    );
  });

  it('keeps every hostile sample inert', () => {
    for (const s of HOSTILE) expect(html`<p>${s}</p>`.toString()).not.toMatch(/<(script|img|svg)|<\/style/i);
  });
});

describe('page', () => {
  it('is a whole document: doctype, lang, charset, viewport, title, main', async () => {
    const doc = page({ title: 'T <1>', body: html`<h1>Hello</h1>`, nonce: NONCE });
    expect(doc.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    const parsed = await parse(doc);
    expect(byTag(parsed, 'meta').map((m) => m.attrs)).toEqual([
      { charset: 'utf-8' },
      { name: 'viewport', content: 'width=device-width, initial-scale=1' },
      { name: 'robots', content: 'noindex, nofollow' },
    ]);
    expect(doc).toContain('<title>T &lt;1&gt;</title>');
    expect(byTag(parsed, 'main')).toHaveLength(1);
    expect(doc).toMatch(/<main>\n<h1>Hello<\/h1>\n<\/main>/);
  });

  it('has exactly one style, carrying the nonce, no script and no external asset', async () => {
    const parsed = await parse(page({ title: 't', body: html``, nonce: NONCE }));
    expect(byTag(parsed, 'style').map((s) => s.attrs)).toEqual([{ nonce: NONCE }]);
    expect(byTag(parsed, 'script')).toEqual([]);
    expect(byTag(parsed, 'link')).toEqual([]);
    expect(parsed.elements.filter((e) => 'src' in e.attrs || 'href' in e.attrs || 'style' in e.attrs)).toEqual([]);
    expect(parsed.text).not.toMatch(/url\(|@import|https?:/);
  });

  it('shows focus', () => {
    expect(page({ title: 't', body: html``, nonce: NONCE })).toContain(':focus-visible');
  });
});
