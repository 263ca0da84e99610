/**
 * @module logic/auth/client-secret
 * Client secrets of service accounts: generated random, stored only as a PBKDF2-SHA256 hash
 * (`pbkdf2-sha256$<iterations>$<salt>$<hash>`, base64url), compared in constant time.
 * Web Crypto only, so it runs on the request path of any runtime.
 */

const ALGORITHM = 'pbkdf2-sha256';
export const DEFAULT_ITERATIONS = 100_000;
const HASH_BYTES = 32;

const toB64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

async function derive(secret: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, HASH_BYTES * 8);
  return new Uint8Array(bits);
}

/** A new random client secret (256 bits, base64url). */
export function generateClientSecret(): string {
  return toB64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The storable hash of `secret`. */
export async function hashClientSecret(secret: string, iterations = DEFAULT_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `${ALGORITHM}$${iterations}$${toB64url(salt)}$${toB64url(await derive(secret, salt, iterations))}`;
}

/** True when `secret` matches `stored`; false for a malformed hash. Constant time in the hash. */
export async function verifyClientSecret(secret: string, stored: string): Promise<boolean> {
  const [algorithm, iterationsText, saltText, hashText] = stored.split('$');
  const iterations = Number(iterationsText);
  if (algorithm !== ALGORITHM || !Number.isInteger(iterations) || iterations < 1 || !saltText || !hashText) return false;
  const expected = fromB64url(hashText);
  const actual = await derive(secret, fromB64url(saltText), iterations);
  if (actual.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < actual.length; i++) difference |= actual[i]! ^ expected[i]!;
  return difference === 0;
}
