/**
 * Building blocks of the flows: base64url both ways, user codes from the RFC 8628 consonant
 * alphabet without bias, the PKCE S256 challenge of RFC 7636's example, constant-time equality.
 */
import { describe, expect, it } from 'bun:test';
import {
  constantTimeEqual,
  decodeBase64Url,
  encodeBase64Url,
  pkceChallenge,
  randomToken,
  randomUserCode,
  USER_CODE_ALPHABET,
} from '../../../src/logic/auth/encoding.ts';

describe('encoding', () => {
  it('round-trips base64url, with or without padding, and refuses non-base64', () => {
    const bytes = Uint8Array.from([0, 251, 255, 62, 63]);
    expect(encodeBase64Url(bytes)).toBe('APv_Pj8');
    expect(decodeBase64Url('APv_Pj8')).toEqual(bytes);
    expect(decodeBase64Url('APv_Pj8=')).toEqual(bytes);
    expect(decodeBase64Url('not base64!')).toBeUndefined();
    expect(decodeBase64Url('A')).toBeUndefined();
  });

  it('draws random tokens of 32 bytes', () => {
    expect(decodeBase64Url(randomToken())?.length).toBe(32);
    expect(randomToken()).not.toBe(randomToken());
  });

  it('draws user codes of consonants only, redrawing bytes that would bias them', () => {
    expect(randomUserCode(8)).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    const bytes = [255, 240, 0, 19, 20, 239, 1, 2, 3, 4];
    const code = randomUserCode(8, (n) => Uint8Array.from(bytes.splice(0, n)));
    // 255 and 240 are redrawn; 0, 19, 20 and 239 map to B, Z, B, Z; then 1, 2, 3, 4.
    expect(code).toBe('BZBZCDFG');
    expect(USER_CODE_ALPHABET).toHaveLength(20);
  });

  it("computes RFC 7636 appendix B's S256 challenge", async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('compares strings in constant time', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
