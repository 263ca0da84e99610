/**
 * @module logic/auth/tokens/keystore
 * The token signing keystore, in DiracX's form (`DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE`): a JWKS
 * of private keys with `kid`, `alg` and `key_ops`. The signing key is the first key whose
 * `key_ops` contains `sign`; every key with `verify` is published and verifies tokens.
 * Rotation: a new key is staged (published, verify only) before it is activated (signs); a
 * retired key keeps verifying until it is removed. Pure functions over Web Crypto (jose).
 */
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';

/** Algorithms we can generate keys for. `Ed25519` is the fully specified name DiracX uses. */
export const KEY_ALGORITHMS = ['Ed25519', 'EdDSA', 'RS256'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

const KeySchema = z.looseObject({
  kty: z.string(),
  kid: z.string().min(1),
  alg: z.string().min(1),
  key_ops: z.array(z.string()).min(1),
});
const KeystoreSchema = z.object({ keys: z.array(KeySchema) });

export type KeystoreKey = JWK & { kid: string; alg: string; key_ops: string[] };
export interface Keystore {
  readonly keys: readonly KeystoreKey[];
}

/** A keystore document that cannot be used; the message says why on one line. */
export class KeystoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeystoreError';
  }
}

/** JWK members that hold private key material (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

/** Validates a decoded keystore: keys with kid/alg/key_ops, unique kids, one signing key. */
export function parseKeystore(raw: unknown): Keystore {
  const parsed = KeystoreSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeystoreError(`invalid keystore: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const keys = parsed.data.keys as KeystoreKey[];
  const kids = new Set<string>();
  for (const key of keys) {
    if (kids.has(key.kid)) throw new KeystoreError(`invalid keystore: duplicate kid ${key.kid}`);
    kids.add(key.kid);
  }
  const keystore = { keys };
  signingKey(keystore);
  for (const key of keys)
    if (key.key_ops.includes('sign') && !hasPrivatePart(key)) {
      throw new KeystoreError(`invalid keystore: key ${key.kid} may sign but has no private part`);
    }
  return keystore;
}

function hasPrivatePart(key: JWK): boolean {
  return PRIVATE_MEMBERS.some((m) => (key as Record<string, unknown>)[m] !== undefined);
}

/** The key that signs new tokens: the first with `sign` in its `key_ops`. */
export function signingKey(keystore: Keystore): KeystoreKey {
  const key = keystore.keys.find((k) => k.key_ops.includes('sign'));
  if (!key) throw new KeystoreError('invalid keystore: no key has "sign" in key_ops');
  return key;
}

/** The public half of a key: private members removed, usable for verification only. */
export function publicKey(key: KeystoreKey): KeystoreKey {
  const pub: Record<string, unknown> = { ...key, key_ops: ['verify'] };
  for (const m of PRIVATE_MEMBERS) delete pub[m];
  return pub as KeystoreKey;
}

/** The JWKS to publish: the public half of every key that verifies. */
export function publicJwks(keystore: Keystore): { keys: KeystoreKey[] } {
  return { keys: keystore.keys.filter((k) => k.key_ops.includes('verify')).map(publicKey) };
}

/** Hex of 16 random bytes: an unguessable, collision-free key id. */
function newKid(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Generates a private key in keystore form with the given operations. */
export async function generateKeystoreKey(alg: KeyAlgorithm, keyOps: string[]): Promise<KeystoreKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: newKid(), alg, key_ops: keyOps };
}

/** A fresh keystore with one signing key. */
export async function generateKeystore(alg: KeyAlgorithm = 'Ed25519'): Promise<Keystore> {
  return { keys: [await generateKeystoreKey(alg, ['sign', 'verify'])] };
}

/** Adds a key that is published (verifies) but does not sign yet. */
export async function stageKey(keystore: Keystore, alg: KeyAlgorithm): Promise<{ keystore: Keystore; kid: string }> {
  const key = await generateKeystoreKey(alg, ['verify']);
  return { keystore: { keys: [...keystore.keys, key] }, kid: key.kid };
}

/** Makes `kid` the signing key; every other key keeps verifying but no longer signs. */
export function activateKey(keystore: Keystore, kid: string): Keystore {
  const target = keystore.keys.find((k) => k.kid === kid);
  if (!target) throw new KeystoreError(`no key with kid ${kid}`);
  if (!hasPrivatePart(target)) throw new KeystoreError(`key ${kid} has no private part and cannot sign`);
  const others = keystore.keys
    .filter((k) => k.kid !== kid)
    .map((k) => ({ ...k, key_ops: k.key_ops.filter((op) => op !== 'sign') }));
  return { keys: [{ ...target, key_ops: ['sign', 'verify'] }, ...others] };
}

/** DiracX's `rotate-jwk`: a new key signs from now on; the previous ones keep verifying. */
export async function rotateKeystore(
  keystore: Keystore,
  alg: KeyAlgorithm,
): Promise<{ keystore: Keystore; kid: string }> {
  const staged = await stageKey(keystore, alg);
  return { keystore: activateKey(staged.keystore, staged.kid), kid: staged.kid };
}

/** Removes a retired key (its tokens must have expired); the signing key cannot be removed. */
export function removeKey(keystore: Keystore, kid: string): Keystore {
  if (!keystore.keys.some((k) => k.kid === kid)) throw new KeystoreError(`no key with kid ${kid}`);
  if (signingKey(keystore).kid === kid)
    throw new KeystoreError(`key ${kid} is the signing key; activate another first`);
  return { keys: keystore.keys.filter((k) => k.kid !== kid) };
}
