/**
 * @module logic/auth/flows/state
 * The `state` we pass through the identity provider's login page and get back on our callback
 * (DiracX's `encrypt_state`/`decrypt_state`): a small JSON object (VO, our PKCE verifier,
 * which flow, which user code or flow id) sealed so that the browser and the IdP can neither
 * read nor alter it. Sealed exactly as DiracX seals it, so that in a fleet of both, a login
 * started at one is finished at the other: a Fernet token (AES-128-CBC, HMAC-SHA-256; the
 * `DIRACX_SERVICE_AUTH_STATE_KEY`'s first 16 bytes sign, its last 16 encrypt) of the base64url
 * of the JSON text, base64url with padding as Python writes it. Web Crypto only. As DiracX, no
 * age limit here: the flows check their own expiry.
 */
import { InvalidInputError } from '../../../core/errors.ts';
import { cryptoRandom, decodeBase64Url, type RandomSource } from '../encoding.ts';

/** What a sealed state carries; every value is a string, as in DiracX. */
export type FlowState = Record<string, string>;

/** Fernet's version byte. */
const VERSION = 0x80;
const IV_BYTES = 16;
const HMAC_BYTES = 32;
/** Version, timestamp, IV, at least one cipher block, HMAC. */
const MIN_TOKEN_BYTES = 1 + 8 + IV_BYTES + 16 + HMAC_BYTES;

/** DiracX's detail when the state cannot be opened. */
export const INVALID_STATE = 'Invalid state';

/** The two halves of a Fernet key, imported for their one use each. */
export interface StateKey {
  readonly signing: CryptoKey;
  readonly encryption: CryptoKey;
}

/** Imports the 32 bytes of `DIRACX_SERVICE_AUTH_STATE_KEY` as a Fernet key. */
export async function importStateKey(raw: Uint8Array): Promise<StateKey> {
  if (raw.length !== 32) throw new TypeError('importStateKey: the state key must be 32 bytes');
  const bytes = raw as Uint8Array<ArrayBuffer>;
  const [signing, encryption] = await Promise.all([
    crypto.subtle.importKey('raw', bytes.slice(0, 16), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
    crypto.subtle.importKey('raw', bytes.slice(16), 'AES-CBC', false, ['encrypt', 'decrypt']),
  ]);
  return { signing, encryption };
}

/** Base64url with padding, as Python's `urlsafe_b64encode` writes it. */
function pythonBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_');
}

/** The 32 bytes of a base64url state key setting; throws TypeError when malformed. */
export function stateKeyBytes(value: string): Uint8Array {
  const raw = decodeBase64Url(value);
  if (!raw) throw new TypeError('the state key is not base64url');
  if (raw.length !== 32) throw new TypeError('importStateKey: the state key must be 32 bytes');
  return raw;
}

/** Decodes a base64url state key setting and imports it; throws TypeError when malformed. */
export async function stateKeyFromSetting(value: string): Promise<StateKey> {
  return importStateKey(stateKeyBytes(value));
}

/** A fresh random state key (development default; it dies with the process). */
export function generateStateKey(random: RandomSource = cryptoRandom): Promise<StateKey> {
  return importStateKey(random(32));
}

/** Seals `state` for a round trip through the IdP (Fernet, as DiracX's `encrypt_state`). */
export async function encryptState(
  key: StateKey,
  state: FlowState,
  random: RandomSource = cryptoRandom,
  now: Date = new Date(),
): Promise<string> {
  const iv = random(IV_BYTES) as Uint8Array<ArrayBuffer>;
  const plaintext = new TextEncoder().encode(pythonBase64Url(new TextEncoder().encode(JSON.stringify(state))));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key.encryption, plaintext));
  const signed = new Uint8Array(1 + 8 + IV_BYTES + ciphertext.length);
  signed[0] = VERSION;
  new DataView(signed.buffer).setBigUint64(1, BigInt(Math.floor(now.getTime() / 1000)));
  signed.set(iv, 9);
  signed.set(ciphertext, 9 + IV_BYTES);
  const hmac = new Uint8Array(await crypto.subtle.sign('HMAC', key.signing, signed));
  const token = new Uint8Array(signed.length + HMAC_BYTES);
  token.set(signed);
  token.set(hmac, signed.length);
  return pythonBase64Url(token);
}

/**
 * Opens a sealed state.
 * @throws InvalidInputError "Invalid state" when it was not sealed with `key`, was altered,
 * or does not hold a JSON object of strings.
 */
export async function decryptState(key: StateKey, sealed: string): Promise<FlowState> {
  const bytes = decodeBase64Url(sealed) as Uint8Array<ArrayBuffer> | undefined;
  if (!bytes || bytes.length < MIN_TOKEN_BYTES || bytes[0] !== VERSION || (bytes.length - 25 - HMAC_BYTES) % 16 !== 0)
    throw new InvalidInputError(INVALID_STATE);
  let parsed: unknown;
  try {
    const signed = bytes.slice(0, bytes.length - HMAC_BYTES);
    const hmac = bytes.slice(bytes.length - HMAC_BYTES);
    if (!(await crypto.subtle.verify('HMAC', key.signing, hmac, signed))) throw new Error('bad HMAC');
    const iv = signed.slice(9, 9 + IV_BYTES);
    const inner = await crypto.subtle.decrypt({ name: 'AES-CBC', iv }, key.encryption, signed.slice(9 + IV_BYTES));
    const json = decodeBase64Url(new TextDecoder().decode(inner));
    if (!json) throw new Error('not base64url');
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new InvalidInputError(INVALID_STATE);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidInputError(INVALID_STATE);
  const entries = Object.entries(parsed);
  if (!entries.every(([, v]) => typeof v === 'string')) throw new InvalidInputError(INVALID_STATE);
  return Object.fromEntries(entries) as FlowState;
}
