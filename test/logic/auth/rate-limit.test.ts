/**
 * The in-memory limits of the login endpoints: a sliding window per key that refuses with the
 * seconds until a slot frees, and the device poll tracker behind RFC 8628 slow_down.
 */
import { describe, expect, it } from 'bun:test';
import { RateLimitedError } from '../../../src/logic/errors.ts';
import { DevicePollTracker, SlidingWindowLimiter } from '../../../src/logic/auth/rate-limit.ts';

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
