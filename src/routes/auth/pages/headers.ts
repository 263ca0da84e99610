/**
 * @module routes/auth/pages/headers
 * The response headers of the login pages: a strict Content-Security-Policy with a fresh
 * nonce per response (the pages hold one inline `<style>` and no script at all), no framing
 * (`frame-ancestors 'none'` and `X-Frame-Options: DENY`, against clickjacking of the approve
 * button), no caching, no MIME sniffing, an isolated browsing context and no powerful features.
 *
 * `Referrer-Policy` is `same-origin`, not `no-referrer`: under `no-referrer` browsers send
 * `Origin: null` on the page's own form posts (Fetch, "append a request Origin header"), which
 * would defeat the Origin check of `csrf.ts`; `same-origin` still sends nothing to other sites
 * (the IdP, the client's redirect URI).
 *
 * `form-action` also governs the redirects that follow a form submission in Chrome. A form
 * whose answer redirects elsewhere (the VO choice to the IdP, the consent to the client's
 * redirect URI) must name those targets in `extraFormActions`; see `formActionSource`.
 */
import { cryptoRandom, encodeBase64Url, type RandomSource } from '../../../logic/auth/encoding.ts';

/** Bytes of randomness in a nonce (128 bits). */
export const NONCE_BYTES = 16;

const NONCE_PATTERN = /^[A-Za-z0-9_-]{22,}$/;
const SCHEME_SOURCE = /^[a-z][a-z0-9+.-]*:$/;
/** Schemes a form must never be allowed to reach. */
const REFUSED_SCHEMES = new Set(['javascript:', 'data:', 'blob:', 'filesystem:', 'about:', 'file:']);
/** What a serialised origin or scheme may contain: nothing that could end a CSP directive. */
const SAFE_SOURCE = /^[a-z0-9+.:/[\]-]+$/i;

/** A fresh CSP nonce: 16 random bytes, base64url (22 characters). */
export function newNonce(random: RandomSource = cryptoRandom): string {
  return encodeBase64Url(random(NONCE_BYTES));
}

function checkNonce(nonce: string): void {
  if (!NONCE_PATTERN.test(nonce)) throw new TypeError('pages: the CSP nonce must be 22+ base64url characters');
}

/**
 * The CSP source allowing a form (and the redirects after it) to reach `target`: the origin of
 * an http(s) URL (`https://claude.ai`, `http://127.0.0.1:33418`), the scheme of any other URL
 * (`cursor:` for `cursor://...`), or a scheme-source given as such (`claude:`).
 * @throws TypeError when `target` is not a URL or names a scheme no form may reach.
 */
export function formActionSource(target: string): string {
  let source: string;
  if (SCHEME_SOURCE.test(target.toLowerCase())) {
    source = target.toLowerCase();
  } else {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new TypeError(`pages: not a URL for form-action: ${JSON.stringify(target)}`);
    }
    source = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
  }
  const scheme = source.slice(0, source.indexOf(':') + 1);
  if (REFUSED_SCHEMES.has(scheme) || !SAFE_SOURCE.test(source)) {
    throw new TypeError(`pages: refused form-action target: ${JSON.stringify(target)}`);
  }
  return source;
}

/** The Content-Security-Policy value for a page with this nonce. */
export function contentSecurityPolicy(nonce: string, extraFormActions: readonly string[] = []): string {
  checkNonce(nonce);
  const formActions = ["'self'", ...new Set(extraFormActions.map(formActionSource))];
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    `form-action ${formActions.join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** Every header of a login page response, keyed by canonical name. */
export function securityHeaders(nonce: string, extraFormActions: readonly string[] = []): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': contentSecurityPolicy(nonce, extraFormActions),
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };
}

/** A page response; `nonce` must be the one the page's `<style>` carries. */
export function htmlResponse(
  html: string,
  nonce: string,
  status = 200,
  extraFormActions: readonly string[] = [],
): Response {
  return new Response(html, { status, headers: securityHeaders(nonce, extraFormActions) });
}
