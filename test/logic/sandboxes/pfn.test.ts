/**
 * Sandbox names as DiracX writes them: the content-addressed, owner-namespaced PFN (its
 * `test_get_pfn`), the full `SB:<se>|` form, the object key, and DiracX's PFN regex with its
 * `(:?` typo kept.
 */
import { describe, expect, it } from 'bun:test';
import {
  fullPfn,
  pfnToKey,
  SANDBOX_PFN_REGEX,
  sandboxPfn,
  seNameOf,
  shortPfn,
  userPrefix,
} from '../../../src/logic/sandboxes/pfn.ts';

const USER = { vo: 'vo', diracGroup: 'group1', preferredUsername: 'user1' };
const CHECKSUM = '90e0ba6763c91a905bb9fd6e025aac1952ae742e6d756a31a0963aa7df7cd7b1';

describe('sandbox PFNs', () => {
  it('names a sandbox by bucket, owner and checksum (DiracX test_get_pfn)', () => {
    expect(sandboxPfn('bucket1', USER, { checksum_algorithm: 'sha256', checksum: CHECKSUM, format: 'tar.bz2' })).toBe(
      `/S3/bucket1/vo/group1/user1/sha256:${CHECKSUM}.tar.bz2`,
    );
  });

  it('lower-cases the checksum so the PFN matches DiracX regex (DiracX keeps the case) [deviation]', () => {
    const pfn = sandboxPfn('bucket1', USER, {
      checksum_algorithm: 'sha256',
      checksum: CHECKSUM.toUpperCase(),
      format: 'tar.zst',
    });
    expect(pfn).toContain(CHECKSUM);
    expect(SANDBOX_PFN_REGEX.test(pfn)).toBe(true);
  });

  it('converts between full and short PFNs and object keys', () => {
    const pfn = `/S3/sandboxes/vo/group1/user1/sha256:${CHECKSUM}.tar.bz2`;
    expect(fullPfn('SandboxSE', pfn)).toBe(`SB:SandboxSE|${pfn}`);
    expect(shortPfn(`SB:SandboxSE|${pfn}`)).toBe(pfn);
    expect(shortPfn(pfn)).toBe(pfn);
    expect(pfnToKey(pfn)).toBe(`vo/group1/user1/sha256:${CHECKSUM}.tar.bz2`);
    expect(seNameOf(`SB:SandboxSE|${pfn}`)).toBe('SandboxSE');
    expect(seNameOf(pfn)).toBeUndefined();
    expect(userPrefix('sandboxes', USER)).toBe('/S3/sandboxes/vo/group1/user1/');
  });
});

describe('SANDBOX_PFN_REGEX', () => {
  const short = `/S3/sandboxes/vo/group1/user1/sha256:${CHECKSUM}.tar.bz2`;

  it('accepts short and full PFNs', () => {
    expect(SANDBOX_PFN_REGEX.test(short)).toBe(true);
    expect(SANDBOX_PFN_REGEX.test(`SB:SandboxSE|${short}`)).toBe(true);
  });

  it('accepts a leading colon before SB: because of DiracX (:? typo [QUIRK]', () => {
    expect(SANDBOX_PFN_REGEX.test(`:SB:SandboxSE|${short}`)).toBe(true);
    expect(seNameOf(`:SB:SandboxSE|${short}`)).toBe('SandboxSE');
  });

  it('rejects other shapes', () => {
    for (const pfn of [
      `/S3/SB/vo/group1/user1/sha256:${CHECKSUM}.tar.bz2`,
      `/S3/sandboxes/vo/group1/sha256:${CHECKSUM}.tar.bz2`,
      `/S3/sandboxes/vo/group1/user1/sha256:${CHECKSUM.toUpperCase()}.tar.bz2`,
      `SB:Sandbox1|${short}`,
      `/S4/sandboxes/vo/group1/user1/sha256:${CHECKSUM}.tar.bz2`,
      `${short}\n`,
    ]) {
      expect({ pfn, ok: SANDBOX_PFN_REGEX.test(pfn) }).toEqual({ pfn, ok: false });
    }
  });
});
