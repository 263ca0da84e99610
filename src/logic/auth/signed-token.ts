/**
 * @module logic/auth/signed-token
 * The one construction behind the server's stateless, expiring tokens (the consent form's CSRF
 * token, `routes/auth/pages/csrf`, and the MCP confirmation token, `mcp/confirmation-token`):
 *
 *     mac = HMAC-SHA-256(key, domain \n field 1 \n ... \n field n), sent as unpadded base64url
 *
 * where the fields are the token's own parts (one of them its expiry, in epoch seconds) and the
 * values it is bound to but does not carry (the verifier recomputes them from the request in
 * hand). Each token kind keeps its own wire format and domain label; this module only signs and
 * checks. Rules both kinds need and once had to learn separately:
 *
 * - Only the canonical spelling of a MAC verifies: the last base64url character of a 32-byte MAC
 *   has two spare bits, so three other spellings decode to the same bytes.
 * - The MAC is checked with Web Crypto's `verify` (constant time), and expiry only after it, so
 *   whether a token has expired is only said of a genuine one.
 * - The message is unambiguous: every field but the last is free of line feeds.
 *
 * Not used for the login `state` (`flows/state`): that is a Fernet token, encrypted as well as
 * signed, laid out and base64-padded exactly as DiracX (Python `cryptography`) writes it so a
 * login started at one server finishes at the other, stamped with its issue time rather than an
 * expiry, and keyed with half of the raw state key; none of that fits this shape, and changing
 * it would break interoperability.
 */
import { decodeBase64Url, encodeBase64Url } from './encoding.ts';

/** Regular-expression source of an expiry: epoch seconds, decimal, no leading zero. */
export const EXPIRY_SOURCE = '[1-9][0-9]{0,11}';

/** Regular-expression source of a MAC as sent: 43 base64url characters (32 bytes). */
export const MAC_SOURCE = '[A-Za-z0-9_-]{43}';

const EXPIRY = new RegExp(`^${EXPIRY_SOURCE}$`);
const MAC = new RegExp(`^${MAC_SOURCE}$`);

/** The outcome of {@link verifySigned}. */
export type SignedCheck = 'valid' | 'malformed' | 'mismatch' | 'expired';

/** The expiry of a token issued at `now` for `seconds` (a positive integer), as signed and sent. */
export function expiryAfter(now: Date, seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new TypeError('signed token: validity must be a positive integer');
  return String(Math.floor(now.getTime() / 1000) + seconds);
}

function checkKey(key: CryptoKey, usage: 'sign' | 'verify'): void {
  const algorithm = key.algorithm as Partial<HmacKeyAlgorithm>;
  if (algorithm.name !== 'HMAC' || algorithm.hash?.name !== 'SHA-256' || !key.usages.includes(usage)) {
    throw new TypeError(`signed token: expected an HMAC SHA-256 key usable to ${usage}`);
  }
}

function message(domain: string, fields: readonly string[]): Uint8Array<ArrayBuffer> {
  const lines = [domain, ...fields];
  if (lines.slice(0, -1).some((line) => line.includes('\n'))) {
    throw new TypeError('signed token: only the last field may contain a line feed');
  }
  return new TextEncoder().encode(lines.join('\n'));
}

/** The MAC (canonical unpadded base64url) of `fields` under `domain` with `key`. */
export async function signFields(key: CryptoKey, domain: string, fields: readonly string[]): Promise<string> {
  checkKey(key, 'sign');
  return encodeBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, message(domain, fields))));
}

/**
 * Checks `mac` (as sent) against `fields` under `domain`, then `expiry` (one of the fields, as
 * sent) against `now`: `malformed` when the MAC or the expiry is not spelt canonically,
 * `mismatch` when the MAC is not that of these fields with this key, `expired` only for a
 * genuine MAC whose expiry is not after `now`. Throws TypeError for a key that is not HMAC
 * SHA-256 or when `expiry` is not among the fields (the caller would be trusting an unsigned
 * expiry).
 */
export async function verifySigned(
  key: CryptoKey,
  mac: string,
  domain: string,
  fields: readonly string[],
  expiry: string,
  now: Date,
): Promise<SignedCheck> {
  const given = MAC.test(mac) ? decodeBase64Url(mac) : undefined;
  if (!given || encodeBase64Url(given) !== mac || !EXPIRY.test(expiry)) return 'malformed';
  if (!fields.includes(expiry)) throw new TypeError('signed token: the expiry must be one of the signed fields');
  checkKey(key, 'verify');
  const genuine = await crypto.subtle.verify('HMAC', key, given as Uint8Array<ArrayBuffer>, message(domain, fields));
  if (!genuine) return 'mismatch';
  return now.getTime() < Number(expiry) * 1000 ? 'valid' : 'expired';
}
