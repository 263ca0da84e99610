/**
 * @module logic/auth/clients/client-secret
 * Client secrets of service accounts: generated random, stored only as a PBKDF2-SHA256 hash
 * (`pbkdf2-sha256$<iterations>$<salt>$<hash>`, base64url), compared in constant time.
 * When there is no hash to compare with (an unknown client id, a client without a secret), a
 * refusal still runs one derivation against a decoy hash as costly as the dearest configured
 * one, so the work done does not tell which client ids exist. Web Crypto only, so it runs on the
 * request path of any runtime.
 */
import { constantTimeEqual, decodeBase64Url, encodeBase64Url, randomToken } from '../encoding.ts';

const ALGORITHM = 'pbkdf2-sha256';
export const DEFAULT_ITERATIONS = 100_000;
const HASH_BYTES = 32;

async function derive(secret: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(salt), iterations },
    key,
    HASH_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/** A new random client secret (256 bits, base64url). */
export function generateClientSecret(): string {
  return randomToken();
}

/** The storable hash of `secret`. */
export async function hashClientSecret(secret: string, iterations = DEFAULT_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(secret, salt, iterations);
  return `${ALGORITHM}$${iterations}$${encodeBase64Url(salt)}$${encodeBase64Url(hash)}`;
}

/** The iteration count of a stored hash, or undefined when it is not one of ours. */
export function hashIterations(stored: string): number | undefined {
  const [algorithm, iterationsText] = stored.split('$');
  const iterations = Number(iterationsText);
  return algorithm === ALGORITHM && Number.isInteger(iterations) && iterations >= 1 ? iterations : undefined;
}

/**
 * A well-formed hash that no secret matches (its hash part is no derivation's output), costing
 * as many iterations as the dearest of `stored` (`DEFAULT_ITERATIONS` when there are none):
 * verify a secret against it to refuse with the work of a real comparison. Keep every client's
 * hash at the same iteration count (`bun run client-secret` does) for the work to be equal.
 */
export function decoyClientSecretHash(stored: Iterable<string | undefined>): string {
  let iterations = 0;
  for (const hash of stored) iterations = Math.max(iterations, (hash && hashIterations(hash)) || 0);
  // All-zero salt and hash: the hash is as long as a real one (same comparison), and PBKDF2
  // yielding 32 zero bytes is as likely as guessing a 256-bit key.
  const zeros = (n: number): string => encodeBase64Url(new Uint8Array(n));
  return `${ALGORITHM}$${iterations || DEFAULT_ITERATIONS}$${zeros(16)}$${zeros(HASH_BYTES)}`;
}

/** True when `secret` matches `stored`; false for a malformed hash. Constant time in the hash. */
export async function verifyClientSecret(secret: string, stored: string): Promise<boolean> {
  const [, , saltText, hashText] = stored.split('$');
  const iterations = hashIterations(stored);
  if (iterations === undefined || !saltText || !hashText) return false;
  const salt = decodeBase64Url(saltText);
  if (!salt) return false;
  return constantTimeEqual(encodeBase64Url(await derive(secret, salt, iterations)), hashText);
}
