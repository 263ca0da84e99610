/**
 * @module routes/auth/pages/csrf
 * Cross-site request forgery protection for the consent form (approve / deny), stateless so
 * that any instance can check a form another instance rendered. Two independent defences,
 * both required on the POST:
 *
 * 1. A token in a hidden field: `<expiry>.<HMAC-SHA-256(key, "diracx-csrf-v1" | expiry |
 *    flow id)>`, signed and checked by `logic/auth/signed-token`. It binds the form to one
 *    pending authorization (the flow id) and expires (default 10 minutes after issue). A
 *    foreign site cannot read it out of our page (no framing, no CORS) nor compute it (no
 *    key), and a token of one flow is refused for another. Checked in constant time. It is
 *    not single-use: the pending authorization it names is, and the flow must consume it on
 *    the first decision.
 * 2. The browser's own statement of where the POST comes from: `Origin` (or `Referer` when
 *    the Origin is absent or `null`) must be our origin; a POST with neither is refused.
 *    This holds even if a token leaked, and the token holds for a browser that hides origins.
 *
 * The flow id should identify the authorization *after* the IdP login (so it belongs to the
 * person deciding); if one id spans the login, bind the person too, e.g.
 * `JSON.stringify([flowId, sub])`. Web Crypto only.
 */
import { EXPIRY_SOURCE, expiryAfter, MAC_SOURCE, signFields, verifySigned } from '../../../logic/auth/signed-token.ts';

/** How long a consent form stays valid, in seconds. */
export const CSRF_MAX_AGE_SECONDS = 600;

const DOMAIN = 'diracx-csrf-v1';
const HKDF_INFO = new TextEncoder().encode('diracx consent csrf v1');
const TOKEN_PATTERN = new RegExp(`^(${EXPIRY_SOURCE})\\.(${MAC_SOURCE})$`);

/**
 * Derives the HMAC-SHA-256 key from raw secret bytes (at least 32) with HKDF, so the 32 bytes
 * of `DIRACX_SERVICE_AUTH_STATE_KEY` can serve without sharing a key with state sealing.
 */
export async function importCsrfKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length < 32) throw new TypeError('importCsrfKey: the secret must be at least 32 bytes');
  const material = await crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: HKDF_INFO },
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

export interface CsrfIssueOptions {
  /** Issue time (default: now). */
  readonly now?: Date;
  /** Validity in seconds (default {@link CSRF_MAX_AGE_SECONDS}). */
  readonly maxAgeSeconds?: number;
}

/** A token for the consent form of pending authorization `flowId`. */
export async function issueCsrfToken(key: CryptoKey, flowId: string, options: CsrfIssueOptions = {}): Promise<string> {
  if (flowId === '') throw new TypeError('issueCsrfToken: empty flow id');
  const expiry = expiryAfter(options.now ?? new Date(), options.maxAgeSeconds ?? CSRF_MAX_AGE_SECONDS);
  return `${expiry}.${await signFields(key, DOMAIN, [expiry, flowId])}`;
}

/**
 * Whether `token` was issued with `key` for `flowId` and has not expired at `now`. False for
 * anything else (missing, malformed, another flow, another key, altered, expired).
 */
export async function verifyCsrfToken(
  key: CryptoKey,
  token: string | null | undefined,
  flowId: string,
  options: { readonly now?: Date } = {},
): Promise<boolean> {
  const match = typeof token === 'string' ? TOKEN_PATTERN.exec(token) : null;
  const [, expiry, mac] = match ?? [];
  if (expiry === undefined || mac === undefined || flowId === '') return false;
  return (await verifySigned(key, mac, DOMAIN, [expiry, flowId], expiry, options.now ?? new Date())) === 'valid';
}

function originOf(value: string): string | undefined {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * Whether the browser says `request` comes from `expectedOrigin` (our public origin, e.g.
 * `https://diracx.example.org`): its `Origin`, or its `Referer` when the Origin is absent or
 * `null` (a browser declining to say). False when neither names our origin, including when
 * both are missing, and when `expectedOrigin` is not a URL.
 */
export function sameOrigin(request: Request, expectedOrigin: string): boolean {
  const expected = originOf(expectedOrigin);
  const origin = request.headers.get('origin');
  const referer = request.headers.get('referer');
  const statement = origin !== null && origin !== '' && origin !== 'null' ? origin : referer;
  return expected !== undefined && statement !== null && originOf(statement) === expected;
}
