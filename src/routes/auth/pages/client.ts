/**
 * @module routes/auth/pages/client
 * How the pages name the client that asked: its self-declared name in quotes (escaped, and
 * flagged when nobody vouched for it), and where the browser goes afterwards, in words a
 * person can check (the host; for a loopback or custom-scheme redirect, that it stays on
 * this computer).
 */
import { html, type SafeHtml } from './html.ts';

/** `“name”`, with an "unverified" tag when the name is only the client's own claim. */
export function clientLabel(clientName: string, unverified: boolean): SafeHtml {
  const name = clientName.trim() === '' ? html`an application that gave no name` : html`“${clientName}”`;
  return html`<strong>${name}</strong>${unverified && html` <span class="tag">name not verified</span>`}`;
}

/** The sentence of `unverifiedNote` (in parts only to keep the source lines short). */
const UNVERIFIED_NOTE = html`${[
  html`<p class="muted">The application chose this name itself; nobody has checked it. `,
  html`Judge it by where your browser will be sent.</p>\n`,
]}`;

/** A sentence on the unverified name, when it is. */
export function unverifiedNote(unverified: boolean): SafeHtml {
  return html`${unverified && UNVERIFIED_NOTE}`;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function parseUri(redirectUri: string): URL {
  try {
    return new URL(redirectUri);
  } catch {
    throw new TypeError(`pages: not a redirect URI: ${JSON.stringify(redirectUri)}`);
  }
}

/**
 * Where `redirectUri` sends the browser, as a person should read it: the host (with port) of
 * an http(s) URI, in punycode as the URL parser gives it; `scheme://host` (or `scheme:`) of
 * any other. @throws TypeError when it is not a URL.
 */
export function redirectHost(redirectUri: string): string {
  const url = parseUri(redirectUri);
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.host;
  return url.host === '' ? url.protocol : `${url.protocol}//${url.host}`;
}

/** What kind of place `redirectUri` is, in plain words (empty for an ordinary website). */
export function destinationKind(redirectUri: string): string {
  const url = parseUri(redirectUri);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'an application on this computer';
  return LOOPBACK.test(url.hostname) ? 'a program running on this computer' : '';
}
