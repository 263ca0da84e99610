/**
 * uuid7 token ids: RFC 9562 version and variant bits, the embedded millisecond time read back
 * exactly, ordering by time, injected randomness, and rejection of non-uuid7 input.
 */
import { describe, expect, it } from 'bun:test';
import { newUuid7, uuid7Time } from '../../../src/logic/auth/uuid7.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an exception');
}

const T = new Date('2026-03-14T15:09:26.535Z');

describe('newUuid7', () => {
  it('sets the version nibble to 7 and the variant bits to 10', () => {
    for (let i = 0; i < 100; i++) {
      const id = newUuid7(T);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('puts the millisecond time in the first 48 bits', () => {
    const id = newUuid7(T, (n) => new Uint8Array(n));
    expect(id).toBe(
      `${T.getTime()
        .toString(16)
        .padStart(12, '0')
        .replace(/^(.{8})/, '$1-')}-7000-8000-000000000000`,
    );
  });

  it('uses the injected random bytes for the other bits', () => {
    const id = newUuid7(T, (n) => new Uint8Array(n).fill(0xff));
    expect(id.slice(14)).toBe('7fff-bfff-ffffffffffff');
  });

  it('sorts ids of increasing times in increasing order', () => {
    const ids = Array.from({ length: 200 }, (_, i) => newUuid7(new Date(T.getTime() + i * 7)));
    expect([...ids].sort()).toEqual(ids);
    const random255 = (n: number) => new Uint8Array(n).fill(0xff);
    const random0 = (n: number) => new Uint8Array(n);
    expect(newUuid7(new Date(T.getTime() + 1), random0) > newUuid7(T, random255)).toBe(true);
  });

  it('rejects times that 48 bits of milliseconds cannot hold', () => {
    expect(() => newUuid7(new Date(-1))).toThrow(RangeError);
    expect(() => newUuid7(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => newUuid7(new Date(2 ** 48))).toThrow(RangeError);
  });
});

describe('uuid7Time', () => {
  it('round-trips the creation time to the millisecond', () => {
    for (const t of [new Date(0), T, new Date('2099-12-31T23:59:59.999Z'), new Date(2 ** 48 - 1)]) {
      expect(uuid7Time(newUuid7(t)).getTime()).toBe(t.getTime());
    }
  });

  it('accepts upper-case ids', () => {
    expect(uuid7Time(newUuid7(T).toUpperCase()).getTime()).toBe(T.getTime());
  });

  it('reads the RFC 9562 example uuid7 as its documented time', () => {
    // RFC 9562 appendix A.6: Tuesday, February 22, 2022 2:22:22.00 PM GMT-05:00.
    expect(uuid7Time('017F22E2-79B0-7CC3-98C4-DC0C0C07398F').toISOString()).toBe('2022-02-22T19:22:22.000Z');
  });

  it('rejects a UUID of another version', () => {
    const v4 = crypto.randomUUID();
    const err = thrown(() => uuid7Time(v4));
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect(err).toMatchObject({ message: `UUID ${v4} is not a UUIDv7` });
  });

  it('rejects a string that is not a UUID', () => {
    const err = thrown(() => uuid7Time('not-a-uuid'));
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect(err).toMatchObject({ message: 'badly formed hexadecimal UUID string' });
  });
});
