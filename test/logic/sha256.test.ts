/**
 * The two SHA-256 helpers agree: the synchronous one (audit digests on the MCP hot path) gives
 * the Web Crypto digest for ASCII, multi-byte and multi-block texts, and the known vector.
 */
import { describe, expect, it } from 'bun:test';
import fc from 'fast-check';
import { sha256Hex, sha256HexSync } from '../../src/logic/sha256.ts';

describe('sha256HexSync', () => {
  it('gives the standard digest of "abc"', () => {
    expect(sha256HexSync('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('agrees with the Web Crypto digest on any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), async (text) => {
        expect(sha256HexSync(text)).toBe(await sha256Hex(text));
      }),
      { numRuns: 200 },
    );
  });
});
