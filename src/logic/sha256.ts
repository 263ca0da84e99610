/**
 * @module logic/sha256
 * Hex SHA-256 of a text, with Web Crypto: content hashes (configuration ETags, file changes),
 * stored digests of codes, audit digests of tool arguments, AWS signatures.
 */

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
