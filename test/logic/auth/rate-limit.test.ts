/**
 * The in-memory limits of the login endpoints and /mcp: a sliding window per key that refuses
 * with the seconds until a slot frees (attempts of several units all or none), the per-caller
 * limiter with its group budget, and the device poll tracker behind RFC 8628 slow_down.
 */
import { describe, expect, it } from 'bun:test';
import { RateLimitedError } from '../../../src/core/errors.ts';
import { CallerLimiter, DevicePollTracker, SlidingWindowLimiter } from '../../../src/logic/auth/rate-limit.ts';

function refusal(fn: () => void): RateLimitedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RateLimitedError) return err;
    throw err;
  }
  throw new Error('expected a RateLimitedError');
}

describe('SlidingWindowLimiter', () => {
  it('admits `limit` attempts per window and refuses the next with the wait until the oldest leaves', () => {
    const limiter = new SlidingWindowLimiter(2, 60_000);
    limiter.hit('a', 0);
    limiter.hit('a', 10_000);
    const err = refusal(() => limiter.hit('a', 20_000));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 40 });
    limiter.hit('a', 60_001);
    limiter.hit('b', 20_000);
  });

  it('does not count refused attempts', () => {
    const limiter = new SlidingWindowLimiter(1, 1000);
    limiter.hit('a', 0);
    for (let t = 1; t < 1000; t += 100) refusal(() => limiter.hit('a', t));
    limiter.hit('a', 1000);
  });

  it('never limits when the limit is 0', () => {
    const limiter = new SlidingWindowLimiter(0, 1000);
    for (let i = 0; i < 100; i++) limiter.hit('a', 0);
    expect(limiter.size).toBe(0);
  });

  it('forgets idle keys', () => {
    const limiter = new SlidingWindowLimiter(5, 1000);
    for (let i = 0; i < 50; i++) limiter.hit(`k${i}`, 0);
    limiter.hit('later', 5000);
    expect(limiter.size).toBe(1);
  });

  it('refuses nonsensical options', () => {
    expect(() => new SlidingWindowLimiter(-1, 1000)).toThrow(TypeError);
    expect(() => new SlidingWindowLimiter(1, 0)).toThrow(TypeError);
  });

  it('counts an attempt of several units as that many, all or none', () => {
    const limiter = new SlidingWindowLimiter(5, 60_000);
    limiter.hit('a', 0, 3);
    limiter.hit('a', 1000, 1);
    // Two units do not fit in the one slot left: refused whole, until the first three leave.
    expect(refusal(() => limiter.hit('a', 2000, 2))).toMatchObject({ retryAfterSeconds: 58 });
    limiter.hit('a', 2000, 1);
    refusal(() => limiter.hit('a', 2000, 1));
    // More units than the limit itself never fit: the answer is a whole window.
    expect(refusal(() => limiter.hit('b', 0, 6))).toMatchObject({ retryAfterSeconds: 60 });
    limiter.hit('b', 0, 5);
  });
});

describe('CallerLimiter', () => {
  it('keeps the limit per caller within a group, and a budget per group that fresh caller names cannot escape', () => {
    const limiter = new CallerLimiter(2, 60_000, 3);
    limiter.hit('client-a', '192.0.2.1', 0);
    limiter.hit('client-a', '192.0.2.1', 0);
    refusal(() => limiter.hit('client-a', '192.0.2.1', 0));
    // Other callers of the group have their own limit, up to the group's budget of 6 in all.
    for (const caller of ['b', 'c', 'd', 'e']) limiter.hit(caller, '192.0.2.1', 0);
    for (const caller of ['f', 'g', 'h']) refusal(() => limiter.hit(caller, '192.0.2.1', 0));
    // Another group is untouched; the refused attempts cost nothing once the window moves on.
    limiter.hit('f', '192.0.2.2', 0);
    limiter.hit('f', '192.0.2.1', 60_001);
  });

  it('charges both windows only when both fit', () => {
    const limiter = new CallerLimiter(4, 60_000, 2);
    limiter.hit('a', 'g', 0, 3);
    limiter.hit('b', 'g', 0, 4);
    // a's own window refuses (3 + 2 > 4): nothing is charged to the group either.
    refusal(() => limiter.hit('a', 'g', 0, 2));
    // The group's window refuses (7 + 2 > 8) although c has used nothing; checking charges nothing.
    refusal(() => limiter.check('c', 'g', 0, 2));
    limiter.hit('c', 'g', 0, 1);
    refusal(() => limiter.hit('c', 'g', 0, 1));
    limiter.hit('a', 'h', 0, 1);
  });

  it('never limits when the limit is 0, and refuses a nonsensical factor', () => {
    const limiter = new CallerLimiter(0, 1000);
    for (let i = 0; i < 100; i++) limiter.hit(`c${i}`, 'g', 0, 10);
    expect(() => new CallerLimiter(1, 1000, 0)).toThrow(TypeError);
  });
});

describe('DevicePollTracker', () => {
  it('flags a poll sooner than the interval after the previous one, not the first nor one on time', () => {
    const tracker = new DevicePollTracker(1500, 600_000);
    expect(tracker.pollIsTooFast('d', 0)).toBe(false);
    expect(tracker.pollIsTooFast('d', 1000)).toBe(true);
    expect(tracker.pollIsTooFast('d', 2600)).toBe(false);
    expect(tracker.pollIsTooFast('other', 2600)).toBe(false);
  });
});
