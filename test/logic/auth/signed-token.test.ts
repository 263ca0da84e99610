/**
 * The shared construction of the expiring HMAC tokens (CSRF, MCP confirmation): the MAC is
 * HMAC-SHA-256 of the domain and fields joined by line feeds (checked against Web Crypto
 * directly, so tokens already issued keep verifying); tampering, another key, another binding
 * and other spellings of the same MAC are refused; expiry is told only of a genuine MAC.
 */
import { describe, expect, it } from 'bun:test';
import { encodeBase64Url } from '../../../src/logic/auth/encoding.ts';
import {
  EXPIRY_SOURCE,
  expiryAfter,
  MAC_SOURCE,
  signFields,
  verifySigned,
} from '../../../src/logic/auth/signed-token.ts';

const hmacKey = (fill: number) =>
  crypto.subtle.importKey('raw', new Uint8Array(32).fill(fill), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);

const key = await hmacKey(1);
const otherKey = await hmacKey(2);
const T0 = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const DOMAIN = 'test-domain-v1';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A fresh token's expiry, fields and MAC, valid 60 seconds from T0. */
async function issue(binding = 'bound-to-this') {
  const expiry = expiryAfter(T0, 60);
  const fields = [expiry, 'nonce', binding];
  return { expiry, fields, mac: await signFields(key, DOMAIN, fields) };
}

/** The other spellings of `mac` whose last character differs only in the two spare bits. */
function respellings(mac: string): string[] {
  const last = B64URL.indexOf(mac.at(-1) ?? '');
  return [0, 1, 2, 3]
    .map((low) => (last & ~3) | low)
    .filter((index) => index !== last)
    .map((index) => mac.slice(0, -1) + B64URL[index]);
}

describe('signed tokens', () => {
  it('sign HMAC-SHA-256 of domain and fields joined by line feeds, in canonical base64url', async () => {
    const { expiry, fields, mac } = await issue();
    expect(expiry).toBe(String(T0.getTime() / 1000 + 60));
    const data = new TextEncoder().encode(`${DOMAIN}\n${expiry}\nnonce\nbound-to-this`);
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, data));
    expect(mac).toBe(encodeBase64Url(expected));
    expect(mac).toMatch(new RegExp(`^${MAC_SOURCE}$`));
    expect(expiry).toMatch(new RegExp(`^${EXPIRY_SOURCE}$`));
    expect(await verifySigned(key, mac, DOMAIN, fields, expiry, at(1))).toBe('valid');
  });

  it('refuse an altered MAC, field or domain as a mismatch', async () => {
    const { expiry, fields, mac } = await issue();
    const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
    expect(await verifySigned(key, flipped, DOMAIN, fields, expiry, at(1))).toBe('mismatch');
    expect(await verifySigned(key, mac, DOMAIN, [expiry, 'nonce2', 'bound-to-this'], expiry, at(1))).toBe('mismatch');
    expect(await verifySigned(key, mac, 'other-domain-v1', fields, expiry, at(1))).toBe('mismatch');
    // Another expiry is another message: a token cannot be extended.
    const later = String(Number(expiry) + 3600);
    expect(await verifySigned(key, mac, DOMAIN, [later, 'nonce', 'bound-to-this'], later, at(1))).toBe('mismatch');
  });

  it('refuse another key and another binding', async () => {
    const { expiry, fields, mac } = await issue();
    expect(await verifySigned(otherKey, mac, DOMAIN, fields, expiry, at(1))).toBe('mismatch');
    const elsewhere = [expiry, 'nonce', 'bound-to-another'];
    expect(await verifySigned(key, mac, DOMAIN, elsewhere, expiry, at(1))).toBe('mismatch');
  });

  it('accept only the canonical spelling of the MAC', async () => {
    const { expiry, fields, mac } = await issue();
    const others = respellings(mac);
    expect(others).toHaveLength(3);
    for (const other of others) {
      expect(await verifySigned(key, other, DOMAIN, fields, expiry, at(1))).toBe('malformed');
    }
    for (const bad of [`${mac}=`, mac.slice(1), mac.replaceAll('-', '+'), '', `${mac}A`]) {
      expect(await verifySigned(key, bad, DOMAIN, fields, expiry, at(1))).toBe('malformed');
    }
  });

  it('say expired only of a genuine MAC, from the expiry second on', async () => {
    const { expiry, fields, mac } = await issue();
    expect(await verifySigned(key, mac, DOMAIN, fields, expiry, at(59.999))).toBe('valid');
    expect(await verifySigned(key, mac, DOMAIN, fields, expiry, at(60))).toBe('expired');
    expect(await verifySigned(key, mac, DOMAIN, fields, expiry, at(3600))).toBe('expired');
    // An expired token with a wrong key or binding is a mismatch, never "expired".
    expect(await verifySigned(otherKey, mac, DOMAIN, fields, expiry, at(3600))).toBe('mismatch');
    const elsewhere = [expiry, 'nonce', 'bound-to-another'];
    expect(await verifySigned(key, mac, DOMAIN, elsewhere, expiry, at(3600))).toBe('mismatch');
  });

  it('refuse an expiry that is not spelt canonically, or not signed', async () => {
    const { fields, mac } = await issue();
    for (const bad of ['0', '01893456060', '1e9', '']) {
      expect(await verifySigned(key, mac, DOMAIN, [bad, ...fields.slice(1)], bad, at(1))).toBe('malformed');
    }
    await expect(verifySigned(key, mac, DOMAIN, fields, '1893456061', at(1))).rejects.toThrow(TypeError);
  });

  it('reject keys of another kind, bad validity and ambiguous fields', async () => {
    const sha1 = await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-1' }, false, [
      'sign',
      'verify',
    ]);
    const signOnly = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(32),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    await expect(signFields(sha1, DOMAIN, ['1'])).rejects.toThrow(TypeError);
    const { expiry, fields, mac } = await issue();
    await expect(verifySigned(sha1, mac, DOMAIN, fields, expiry, at(1))).rejects.toThrow(TypeError);
    await expect(verifySigned(signOnly, mac, DOMAIN, fields, expiry, at(1))).rejects.toThrow(TypeError);
    for (const seconds of [0, -1, 1.5, Number.NaN]) expect(() => expiryAfter(T0, seconds)).toThrow(TypeError);
    // "a\nb" + "c" and "a" + "b\nc" would sign the same text; only the last field may break lines.
    await expect(signFields(key, DOMAIN, ['a\nb', 'c'])).rejects.toThrow(TypeError);
    await expect(signFields(key, 'dom\nain', ['c'])).rejects.toThrow(TypeError);
    expect(await signFields(key, DOMAIN, ['a', 'b\nc'])).toMatch(new RegExp(`^${MAC_SOURCE}$`));
  });
});
