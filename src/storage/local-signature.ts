/**
 * @module storage/local-signature
 * The credentials of the local store's URLs: an HMAC-SHA256, under a server secret, over what
 * the URL allows (upload: key, size, checksum, expiry; download: key, expiry). Verification is
 * Web Crypto's `verify`, which compares in constant time. Expiry is checked against the
 * caller's clock. Pure: no I/O, no knowledge of HTTP.
 */
import { ForbiddenError } from '../core/errors.ts';
import { toHex } from './object-store.ts';

/** What an upload URL allows. */
export interface UploadGrant {
  key: string;
  size: number;
  /** Base64 SHA-256, as in the `x-amz-checksum-sha256` field. */
  checksum: string;
  /** Seconds since the epoch after which the grant is void. */
  expires: number;
}

/** What a download URL allows. */
export interface DownloadGrant {
  key: string;
  expires: number;
}

const encoder = new TextEncoder();

/** Imports a secret (at least 32 bytes) as an HMAC-SHA256 key for signing and verifying. */
export async function importSigningSecret(secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (secret.length < 32) throw new TypeError('the local sandbox store secret must be at least 32 bytes');
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

// JSON arrays keep the parts unambiguous whatever characters a key holds.
const uploadPayload = (g: UploadGrant): string =>
  JSON.stringify(['upload', g.key, g.size, 'sha256', g.checksum, g.expires]);
const downloadPayload = (g: DownloadGrant): string => JSON.stringify(['download', g.key, g.expires]);

async function sign(key: CryptoKey, payload: string): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', key, encoder.encode(payload)));
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) return undefined;
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
}

async function verify(
  key: CryptoKey,
  payload: string,
  signature: string,
  expires: number,
  now: Date,
  what: string,
): Promise<void> {
  const bytes = fromHex(signature);
  if (!bytes || !(await crypto.subtle.verify('HMAC', key, bytes, encoder.encode(payload)))) {
    throw new ForbiddenError(`Invalid ${what} signature`);
  }
  if (expires * 1000 <= now.getTime()) throw new ForbiddenError(`The ${what} URL has expired`);
}

export const signUpload = (key: CryptoKey, grant: UploadGrant): Promise<string> => sign(key, uploadPayload(grant));
export const signDownload = (key: CryptoKey, grant: DownloadGrant): Promise<string> =>
  sign(key, downloadPayload(grant));

/** @throws ForbiddenError when `signature` is not ours for `grant`, or the grant has expired. */
export const verifyUpload = (key: CryptoKey, grant: UploadGrant, signature: string, now: Date): Promise<void> =>
  verify(key, uploadPayload(grant), signature, grant.expires, now, 'upload');

/** @throws ForbiddenError when `signature` is not ours for `grant`, or the grant has expired. */
export const verifyDownload = (key: CryptoKey, grant: DownloadGrant, signature: string, now: Date): Promise<void> =>
  verify(key, downloadPayload(grant), signature, grant.expires, now, 'download');
