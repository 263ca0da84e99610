/**
 * The token keystore: DiracX's JWKS form is validated, the first `sign` key signs, every
 * `verify` key is published without private parts, and rotation goes stage → activate →
 * remove without ever leaving tokens unverifiable.
 */
import { describe, expect, it } from 'bun:test';
import {
  activateKey,
  generateKeystore,
  KeystoreError,
  parseKeystore,
  publicJwks,
  removeKey,
  rotateKeystore,
  signingKey,
  stageKey,
} from '../../../../src/logic/auth/tokens/keystore.ts';

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

describe('parseKeystore', () => {
  it('accepts a generated keystore and a DiracX-style one with alg Ed25519 and key_ops sign+verify', async () => {
    const keystore = await generateKeystore('Ed25519');
    expect(parseKeystore(JSON.parse(JSON.stringify(keystore))).keys).toHaveLength(1);
    expect(keystore.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519', key_ops: ['sign', 'verify'] });
  });

  it.each([
    ['a document without keys', {}],
    ['a key without kid', { keys: [{ kty: 'OKP', alg: 'Ed25519', key_ops: ['sign'] }] }],
    [
      'a keystore without a signing key',
      { keys: [{ kty: 'OKP', kid: 'a', alg: 'Ed25519', key_ops: ['verify'], x: 'x' }] },
    ],
  ])('refuses %s', (_name, raw) => {
    expect(() => parseKeystore(raw)).toThrow(KeystoreError);
  });

  it('refuses duplicate key ids', async () => {
    const { keys } = await generateKeystore();
    expect(() => parseKeystore({ keys: [keys[0], { ...keys[0], key_ops: ['verify'] }] })).toThrow('duplicate kid');
  });

  it('refuses a signing key without its private part', async () => {
    const [key] = (await generateKeystore()).keys;
    const { d: _d, ...publicOnly } = key!;
    expect(() => parseKeystore({ keys: [publicOnly] })).toThrow('has no private part');
  });
});

describe('publicJwks', () => {
  it('publishes every verifying key without private members, for verification only', async () => {
    const { keystore } = await stageKey(await generateKeystore('RS256'), 'Ed25519');
    const published = publicJwks(keystore);
    expect(published.keys).toHaveLength(2);
    for (const key of published.keys) {
      expect(key.key_ops).toEqual(['verify']);
      for (const member of PRIVATE) expect(key).not.toHaveProperty(member);
    }
  });
});

describe('rotation', () => {
  it('stages a key that is published but does not sign', async () => {
    const original = await generateKeystore();
    const { keystore, kid } = await stageKey(original, 'Ed25519');
    expect(signingKey(keystore).kid).toBe(signingKey(original).kid);
    expect(publicJwks(keystore).keys.map((k) => k.kid)).toContain(kid);
  });

  it('activates a staged key: it signs, the previous one only verifies', async () => {
    const original = await generateKeystore();
    const previous = signingKey(original).kid;
    const staged = await stageKey(original, 'RS256');
    const active = activateKey(staged.keystore, staged.kid);
    expect(signingKey(active).kid).toBe(staged.kid);
    expect(active.keys.find((k) => k.kid === previous)?.key_ops).toEqual(['verify']);
    expect(active.keys.filter((k) => k.key_ops.includes('sign'))).toHaveLength(1);
  });

  it('rotates in one step, as DiracX rotate-jwk', async () => {
    const original = await generateKeystore();
    const { keystore, kid } = await rotateKeystore(original, 'Ed25519');
    expect(keystore.keys[0]?.kid).toBe(kid);
    expect(publicJwks(keystore).keys).toHaveLength(2);
  });

  it('removes a retired key but never the signing one', async () => {
    const original = await generateKeystore();
    const { keystore } = await rotateKeystore(original, 'Ed25519');
    const retired = signingKey(original).kid;
    expect(removeKey(keystore, retired).keys).toHaveLength(1);
    expect(() => removeKey(keystore, signingKey(keystore).kid)).toThrow('is the signing key');
    expect(() => removeKey(keystore, 'nope')).toThrow('no key with kid nope');
  });
});
