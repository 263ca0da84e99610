/**
 * @module logic/auth/client-secret
 * Client secrets of service accounts: generated random, stored only as a PBKDF2-SHA256 hash
 * (`pbkdf2-sha256$<iterations>$<salt>$<hash>`, base64url), compared in constant time.
 * Web Crypto only, so it runs on the request path of any runtime.
 */
import { constantTimeEqual, decodeBase64Url, encodeBase64Url, randomToken } from './encoding.ts';

const ALGORITHM = 'pbkdf2-sha256';
export const DEFAULT_ITERATIONS = 100_000;
const HASH_BYTES = 32;

async function derive(secret: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations }, key, HASH_BYTES * 8);
  return new Uint8Array(bits);
}

/** A new random client secret (256 bits, base64url). */
export function generateClientSecret(): string {
  return randomToken();
}

/** The storable hash of `secret`. */
export async function hashClientSecret(secret: string, iterations = DEFAULT_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `${ALGORITHM}$${iterations}$${encodeBase64Url(salt)}$${encodeBase64Url(await derive(secret, salt, iterations))}`;
}

/** True when `secret` matches `stored`; false for a malformed hash. Constant time in the hash. */
export async function verifyClientSecret(secret: string, stored: string): Promise<boolean> {
  const [algorithm, iterationsText, saltText, hashText] = stored.split('$');
  const iterations = Number(iterationsText);
  if (algorithm !== ALGORITHM || !Number.isInteger(iterations) || iterations < 1 || !saltText || !hashText) return false;
  const salt = decodeBase64Url(saltText);
  if (!salt) return false;
  return constantTimeEqual(encodeBase64Url(await derive(secret, salt, iterations)), hashText);
}
