/**
 * CSRF protection of the consent form: HMAC tokens bound to one pending authorization and an
 * expiry, verifiable by any instance holding the same secret; and the Origin/Referer check.
 */
import { describe, expect, it } from 'bun:test';
import {
  CSRF_MAX_AGE_SECONDS,
  importCsrfKey,
  issueCsrfToken,
  sameOrigin,
  verifyCsrfToken,
} from '../../../../src/routes/auth/pages/csrf.ts';

const SECRET = new Uint8Array(32).fill(7);
const key = await importCsrfKey(SECRET);
const T0 = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('CSRF tokens', () => {
  it('verify for the same flow, on another instance with the same secret', async () => {
    const token = await issueCsrfToken(key, 'flow-1', { now: T0 });
    expect(token).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    expect(await verifyCsrfToken(key, token, 'flow-1', { now: at(1) })).toBe(true);
    const elsewhere = await importCsrfKey(SECRET.slice());
    expect(await verifyCsrfToken(elsewhere, token, 'flow-1', { now: at(1) })).toBe(true);
  });

  it('refuse another flow id', async () => {
    const token = await issueCsrfToken(key, 'flow-1', { now: T0 });
    expect(await verifyCsrfToken(key, token, 'flow-2', { now: at(1) })).toBe(false);
    expect(await verifyCsrfToken(key, token, 'flow-1 ', { now: at(1) })).toBe(false);
    expect(await verifyCsrfToken(key, token, '', { now: at(1) })).toBe(false);
  });

  it('expire after the max age (10 minutes by default)', async () => {
    expect(CSRF_MAX_AGE_SECONDS).toBe(600);
    const token = await issueCsrfToken(key, 'flow-1', { now: T0 });
    expect(await verifyCsrfToken(key, token, 'flow-1', { now: at(599) })).toBe(true);
    expect(await verifyCsrfToken(key, token, 'flow-1', { now: at(600) })).toBe(false);
    const short = await issueCsrfToken(key, 'flow-1', { now: T0, maxAgeSeconds: 30 });
    expect(await verifyCsrfToken(key, short, 'flow-1', { now: at(31) })).toBe(false);
  });

  it('refuse a tampered token (signature or expiry changed)', async () => {
    const token = await issueCsrfToken(key, 'flow-1', { now: T0 });
    const [expiry, signature] = token.split('.') as [string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    expect(await verifyCsrfToken(key, `${expiry}.${flipped}`, 'flow-1', { now: at(1) })).toBe(false);
    expect(await verifyCsrfToken(key, `${Number(expiry) + 3600}.${signature}`, 'flow-1', { now: at(1) })).toBe(false);
  });

  it('refuse the same MAC spelled otherwise (spare bits of the last character, padding)', async () => {
    const token = await issueCsrfToken(key, 'flow-1', { now: T0 });
    const [expiry, signature] = token.split('.') as [string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // A 32-byte MAC is 43 characters: the last carries 4 bits of it and 2 spare ones.
    const last = alphabet.indexOf(signature.at(-1) ?? '');
    const respelled = signature.slice(0, -1) + alphabet[last ^ 1];
    for (const other of [respelled, `${signature}=`]) {
      expect(await verifyCsrfToken(key, `${expiry}.${other}`, 'flow-1', { now: at(1) })).toBe(false);
    }
    expect(await verifyCsrfToken(key, token, 'flow-1', { now: at(1) })).toBe(true);
  });

  it('refuse a token made with another key', async () => {
    const other = await importCsrfKey(new Uint8Array(32).fill(8));
    const token = await issueCsrfToken(other, 'flow-1', { now: T0 });
    expect(await verifyCsrfToken(key, token, 'flow-1', { now: at(1) })).toBe(false);
  });

  it('refuse missing and malformed tokens', async () => {
    for (const bad of [
      undefined,
      null,
      '',
      'x',
      '1.abc',
      `0.${'A'.repeat(43)}`,
      `1e9.${'A'.repeat(43)}`,
      `99.${'A'.repeat(44)}`,
    ]) {
      expect(await verifyCsrfToken(key, bad, 'flow-1', { now: T0 })).toBe(false);
    }
  });

  it('accept a CryptoKey imported for HMAC SHA-256 and refuse other keys', async () => {
    const hmac = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(32).fill(1),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    const token = await issueCsrfToken(hmac, 'f', { now: T0 });
    expect(await verifyCsrfToken(hmac, token, 'f', { now: T0 })).toBe(true);
    const aes = await crypto.subtle.importKey('raw', new Uint8Array(32), 'AES-GCM', false, ['encrypt']);
    await expect(issueCsrfToken(aes, 'f')).rejects.toThrow(TypeError);
    const sha1 = await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-1' }, false, [
      'sign',
    ]);
    await expect(issueCsrfToken(sha1, 'f')).rejects.toThrow(TypeError);
  });

  it('refuse short secrets, empty flow ids and silly max ages when issuing', async () => {
    await expect(importCsrfKey(new Uint8Array(31))).rejects.toThrow(TypeError);
    await expect(issueCsrfToken(key, '')).rejects.toThrow(TypeError);
    await expect(issueCsrfToken(key, 'f', { maxAgeSeconds: 0 })).rejects.toThrow(TypeError);
    await expect(issueCsrfToken(key, 'f', { maxAgeSeconds: 1.5 })).rejects.toThrow(TypeError);
  });
});

describe('sameOrigin', () => {
  const OURS = 'https://diracx.example.org';
  const post = (headers: Record<string, string>) =>
    new Request('https://internal:8000/api/auth/authorize/consent', { method: 'POST', headers });

  it('accepts our Origin and refuses another', () => {
    expect(sameOrigin(post({ origin: OURS }), OURS)).toBe(true);
    expect(sameOrigin(post({ origin: OURS }), `${OURS}/`)).toBe(true);
    expect(sameOrigin(post({ origin: 'https://evil.example' }), OURS)).toBe(false);
    expect(sameOrigin(post({ origin: 'http://diracx.example.org' }), OURS)).toBe(false);
    expect(sameOrigin(post({ origin: 'https://diracx.example.org:8443' }), OURS)).toBe(false);
    expect(sameOrigin(post({ origin: 'https://diracx.example.org.evil.example' }), OURS)).toBe(false);
  });

  it('does not let a matching Referer rescue a foreign Origin', () => {
    expect(sameOrigin(post({ origin: 'https://evil.example', referer: `${OURS}/api/auth/authorize` }), OURS)).toBe(
      false,
    );
  });

  it('falls back to the Referer when the Origin is missing or null', () => {
    expect(sameOrigin(post({ referer: `${OURS}/api/auth/authorize?x=1` }), OURS)).toBe(true);
    expect(sameOrigin(post({ origin: 'null', referer: `${OURS}/page` }), OURS)).toBe(true);
    expect(sameOrigin(post({ referer: 'https://evil.example/diracx.example.org' }), OURS)).toBe(false);
  });

  it('refuses when neither names an origin', () => {
    expect(sameOrigin(post({}), OURS)).toBe(false);
    expect(sameOrigin(post({ origin: 'null' }), OURS)).toBe(false);
    expect(sameOrigin(post({ origin: 'garbage' }), OURS)).toBe(false);
    expect(sameOrigin(post({ referer: 'not a url' }), OURS)).toBe(false);
  });

  it('refuses everything when our own origin is not a URL', () => {
    expect(sameOrigin(post({ origin: 'null' }), 'null')).toBe(false);
    expect(sameOrigin(post({ origin: OURS }), '')).toBe(false);
  });
});
