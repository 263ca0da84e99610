/**
 * @module logic/sha256
 * Hex SHA-256 of a text: with Web Crypto (asynchronous) for content hashes (configuration
 * ETags, file changes), stored digests of codes and AWS signatures; synchronously (noble's
 * audited pure-JS implementation, no thread hop) on the per-call hot path of the MCP audit line,
 * where Web Crypto's asynchronous round trip cost ~5× more CPU than the hash itself.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The same digest as `sha256Hex`, computed synchronously. */
export function sha256HexSync(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
