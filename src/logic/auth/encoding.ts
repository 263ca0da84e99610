/**
 * @module logic/auth/encoding
 * The small cryptographic building blocks of the login flows, on Web Crypto only: base64url,
 * SHA-256 digests of codes (only digests are stored), unguessable random codes, device-flow
 * user codes (`diracx-db/.../auth/db.py: insert_device_flow`) and the PKCE S256 challenge
 * (RFC 7636 §4.2). Randomness is `crypto.getRandomValues` unless a source is passed in.
 */
import { sha256Hex } from '../sha256.ts';

export { sha256Hex };

/** Random bytes; tests may pass a deterministic source. */
export type RandomSource = (n: number) => Uint8Array;

export const cryptoRandom: RandomSource = (n) => crypto.getRandomValues(new Uint8Array(n));

/** RFC 8628 §6.1: consonants only, so a code spells no word and is easy to type. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** Unpadded base64url of `bytes` (RFC 4648 §5). */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * Decodes base64url (padding optional; standard base64 `+`/`/` accepted too, as Python's
 * `urlsafe_b64decode` is lenient about neither). Returns undefined when `text` is not base64.
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_+/-]*={0,2}$/.test(text)) return undefined;
  const plain = text.replace(/=+$/, '').replaceAll('-', '+').replaceAll('_', '/');
  if (plain.length % 4 === 1) return undefined;
  try {
    const binary = atob(plain + '='.repeat((4 - (plain.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** An unguessable code: 32 random bytes, base64url (Python's `secrets.token_urlsafe()`). */
export function randomToken(random: RandomSource = cryptoRandom): string {
  return encodeBase64Url(random(32));
}

/**
 * A user code of `length` letters of {@link USER_CODE_ALPHABET}, drawn without modulo bias
 * (bytes >= 240 are redrawn: 240 is the largest multiple of 20 below 256).
 */
export function randomUserCode(length: number, random: RandomSource = cryptoRandom): string {
  let code = '';
  while (code.length < length) {
    for (const b of random(length)) {
      if (b < 240 && code.length < length) code += USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** The S256 PKCE challenge of a verifier: unpadded base64url of its SHA-256 (RFC 7636 §4.2). */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return encodeBase64Url(new Uint8Array(digest));
}

/** Compares two strings in time independent of where they differ (secrets, digests). */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
