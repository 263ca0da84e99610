/**
 * @module logic/auth/flows/state
 * The `state` we pass through the identity provider's login page and get back on our callback
 * (DiracX's `encrypt_state`/`decrypt_state`): a small JSON object (VO, our PKCE verifier,
 * which flow, which user code or flow id) sealed so that the browser and the IdP can neither
 * read nor alter it. DiracX uses Fernet with `DIRACX_SERVICE_AUTH_STATE_KEY`; we accept the
 * same 32-byte key and seal with AES-256-GCM (key derived with HKDF-SHA-256), Web Crypto only.
 * Sealed form: base64url(version byte 1 | 12-byte IV | ciphertext and tag).
 */
import { InvalidInputError } from '../../../core/errors.ts';
import { cryptoRandom, decodeBase64Url, encodeBase64Url, type RandomSource } from '../encoding.ts';

/** What a sealed state carries; every value is a string, as in DiracX. */
export type FlowState = Record<string, string>;

const VERSION = 1;
const IV_BYTES = 12;
const HKDF_INFO = new TextEncoder().encode('diracx auth state v1');

/** DiracX's detail when the state cannot be opened. */
export const INVALID_STATE = 'Invalid state';

/** Derives the AES-GCM key from the 32 bytes of `DIRACX_SERVICE_AUTH_STATE_KEY`. */
export async function importStateKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length !== 32) throw new TypeError('importStateKey: the state key must be 32 bytes');
  const material = await crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: HKDF_INFO },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The 32 bytes of a base64url state key setting; throws TypeError when malformed. */
export function stateKeyBytes(value: string): Uint8Array {
  const raw = decodeBase64Url(value);
  if (!raw) throw new TypeError('the state key is not base64url');
  if (raw.length !== 32) throw new TypeError('importStateKey: the state key must be 32 bytes');
  return raw;
}

/** Decodes a base64url state key setting and derives the key; throws TypeError when malformed. */
export async function stateKeyFromSetting(value: string): Promise<CryptoKey> {
  return importStateKey(stateKeyBytes(value));
}

/** A fresh random state key (development default; it dies with the process). */
export function generateStateKey(random: RandomSource = cryptoRandom): Promise<CryptoKey> {
  return importStateKey(random(32));
}

/** Seals `state` for a round trip through the IdP. */
export async function encryptState(
  key: CryptoKey,
  state: FlowState,
  random: RandomSource = cryptoRandom,
): Promise<string> {
  const iv = random(IV_BYTES) as Uint8Array<ArrayBuffer>;
  const plaintext = new TextEncoder().encode(JSON.stringify(state));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plaintext));
  const out = new Uint8Array(1 + IV_BYTES + sealed.length);
  out[0] = VERSION;
  out.set(iv, 1);
  out.set(sealed, 1 + IV_BYTES);
  return encodeBase64Url(out);
}

/**
 * Opens a sealed state.
 * @throws InvalidInputError "Invalid state" when it was not sealed with `key`, was altered,
 * or does not hold a JSON object of strings.
 */
export async function decryptState(key: CryptoKey, sealed: string): Promise<FlowState> {
  const bytes = decodeBase64Url(sealed);
  if (!bytes || bytes.length < 1 + IV_BYTES + 16 || bytes[0] !== VERSION) throw new InvalidInputError(INVALID_STATE);
  let parsed: unknown;
  try {
    const iv = bytes.slice(1, 1 + IV_BYTES);
    const plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, bytes.slice(1 + IV_BYTES));
    parsed = JSON.parse(new TextDecoder().decode(plaintext));
  } catch {
    throw new InvalidInputError(INVALID_STATE);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidInputError(INVALID_STATE);
  const entries = Object.entries(parsed);
  if (!entries.every(([, v]) => typeof v === 'string')) throw new InvalidInputError(INVALID_STATE);
  return Object.fromEntries(entries) as FlowState;
}
