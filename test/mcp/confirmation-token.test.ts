/**
 * The confirmation token on its own: canonical JSON (key order never matters, array order does),
 * tokens that hold only for their kind, binding (each field) and lifetime, are refused when
 * altered or made up, and the per-process record of redeemed tokens (once each, forgotten after
 * expiry, bounded).
 */
import { describe, expect, it } from 'bun:test';
import {
  canonicalDigest,
  canonicalJson,
  checkConfirmation,
  CONFIRMATION_TTL_SECONDS,
  deriveConfirmationKey,
  mintConfirmation,
  randomConfirmationKey,
  UsedConfirmations,
  type ConfirmationBinding,
} from '../../src/mcp/confirmation-token.ts';

const BINDING: ConfirmationBinding = {
  sub: 'lhcb:chaen',
  vo: 'lhcb',
  clientId: 'host',
  tool: 'kill_jobs',
  argumentsDigest: canonicalDigest({ job_ids: [1, 2] }),
  stateDigest: canonicalDigest([[1, 'Running']]),
};
const NOW = new Date('2026-12-01T10:00:00Z');

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined, b: null } })).toBe('{"a":{"b":null,"d":[2,1]},"b":1}');
    expect(canonicalDigest({ x: 1, y: 2 })).toBe(canonicalDigest({ y: 2, x: 1 }));
    expect(canonicalDigest({ ids: [1, 2] })).not.toBe(canonicalDigest({ ids: [2, 1] }));
  });
});

describe('confirmation tokens', () => {
  it('hold for their own kind, binding and lifetime only', async () => {
    const key = await randomConfirmationKey();
    const { token, expiresAt } = await mintConfirmation(key, 'p', BINDING, NOW);
    expect(expiresAt.getTime() - NOW.getTime()).toBe(CONFIRMATION_TTL_SECONDS * 1000);
    expect(await checkConfirmation(key, token, 'p', BINDING, NOW)).toMatchObject({ ok: true });
    expect(await checkConfirmation(key, token, 'q', BINDING, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    for (const field of Object.keys(BINDING) as (keyof ConfirmationBinding)[]) {
      expect(await checkConfirmation(key, token, 'p', { ...BINDING, [field]: `${BINDING[field]}x` }, NOW)).toEqual({
        ok: false,
        reason: 'mismatch',
      });
    }
    expect(await checkConfirmation(key, token, 'p', BINDING, expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(await checkConfirmation(await randomConfirmationKey(), token, 'p', BINDING, NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('are refused when altered or made up', async () => {
    const key = await deriveConfirmationKey(await randomConfirmationKey());
    const { token } = await mintConfirmation(key, 'q', BINDING, NOW);
    const [, kind, exp, nonce, mac] = token.split('.');
    expect(await checkConfirmation(key, `c1.${kind}.${Number(exp) + 60}.${nonce}.${mac}`, 'q', BINDING, NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(await checkConfirmation(key, `c1.p.${exp}.${nonce}.${mac}`, 'p', BINDING, NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    for (const junk of ['', 'yes', 'c1.q.1.a.b', `${token}x`, token.replace('c1.', 'c2.')]) {
      expect(await checkConfirmation(key, junk, 'q', BINDING, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('are refused in any spelling of their MAC but the canonical one', async () => {
    const key = await randomConfirmationKey();
    const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const { token } = await mintConfirmation(key, 'p', BINDING, NOW);
    const last = BASE64URL.indexOf(token.at(-1) ?? '');
    // A 32-byte MAC leaves the last of its 43 characters two spare bits: flipping them spells
    // the same bytes.
    const respellings = [1, 2, 3].map((spare) => `${token.slice(0, -1)}${BASE64URL[last ^ spare]}`);
    for (const respelt of respellings) {
      expect(await checkConfirmation(key, respelt, 'p', BINDING, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(await checkConfirmation(key, token, 'p', BINDING, NOW)).toMatchObject({ ok: true });
  });
});

describe('UsedConfirmations', () => {
  it('lets a nonce be claimed once until it expires, and keeps at most `max`', () => {
    const used = new UsedConfirmations(2);
    expect(used.claim('a', 1000, 0)).toBe(true);
    expect(used.claim('a', 1000, 10)).toBe(false);
    expect(used.claim('a', 1000, 1000)).toBe(true);
    expect(used.claim('b', 5000, 1000)).toBe(true);
    expect(used.claim('c', 5000, 1000)).toBe(true);
    // 'a' was dropped to stay within max: the state binding still stops its replay.
    expect(used.claim('a', 5000, 1000)).toBe(true);
  });
});
