/**
 * @module logic/auth/rate-limit
 * Abuse resistance of the public login endpoints, in memory of one process:
 * - `SlidingWindowLimiter`: at most `limit` accepted attempts per key in any window of
 *   `windowMs` (a sliding log of timestamps); the next one is refused with the time until a
 *   slot frees up. Keys are built by the caller (client id and caller address).
 * - `DevicePollTracker`: remembers when each device code was last polled, so that a client
 *   polling faster than the advertised interval gets RFC 8628 `slow_down`.
 * Per process by design: with N processes behind a balancer a client may get up to N times
 * the limit. That bounds abuse without a shared store; a deployment that needs exact global
 * limits puts them in its reverse proxy. Memory is bounded: idle keys are swept and the
 * number of keys is capped (the oldest are dropped first). Time is passed in.
 */
import { RateLimitedError } from '../errors.ts';

/** Upper bound on remembered keys per limiter; beyond it the oldest keys are forgotten. */
const MAX_KEYS = 100_000;

export class SlidingWindowLimiter {
  readonly #hits = new Map<string, number[]>();
  #lastSweep = 0;

  /** `limit` 0 disables the limiter. */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 0) throw new TypeError('SlidingWindowLimiter: limit must be an integer >= 0');
    if (!(windowMs > 0)) throw new TypeError('SlidingWindowLimiter: windowMs must be positive');
  }

  /**
   * Counts one attempt for `key` at `nowMs`.
   * @throws RateLimitedError (with the seconds until a slot frees) when the window is full.
   */
  hit(key: string, nowMs: number): void {
    if (this.limit === 0) return;
    this.#sweep(nowMs);
    const recent = (this.#hits.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (recent.length >= this.limit) {
      this.#hits.set(key, recent);
      throw new RateLimitedError('Too many requests', Math.max(1, Math.ceil((recent[0]! + this.windowMs - nowMs) / 1000)));
    }
    recent.push(nowMs);
    this.#hits.delete(key); // re-insert: Map order is then least recently used first
    this.#hits.set(key, recent);
    while (this.#hits.size > MAX_KEYS) this.#hits.delete(this.#hits.keys().next().value!);
  }

  /** Keys currently remembered (for tests and metrics). */
  get size(): number {
    return this.#hits.size;
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweep < this.windowMs) return;
    this.#lastSweep = nowMs;
    for (const [key, times] of this.#hits) if (times.every((t) => t <= nowMs - this.windowMs)) this.#hits.delete(key);
  }
}

export class DevicePollTracker {
  readonly #lastPoll = new Map<string, number>();
  #lastSweep = 0;

  /**
   * @param minIntervalMs polls closer together than this are too fast.
   * @param forgetAfterMs how long a device code is remembered (its flow's lifetime).
   */
  constructor(
    readonly minIntervalMs: number,
    readonly forgetAfterMs: number,
  ) {}

  /** Records a poll of `key` at `nowMs`; true when it came sooner than the minimum interval. */
  pollIsTooFast(key: string, nowMs: number): boolean {
    if (nowMs - this.#lastSweep >= this.forgetAfterMs) {
      this.#lastSweep = nowMs;
      for (const [k, t] of this.#lastPoll) if (nowMs - t >= this.forgetAfterMs) this.#lastPoll.delete(k);
    }
    const last = this.#lastPoll.get(key);
    this.#lastPoll.delete(key);
    this.#lastPoll.set(key, nowMs);
    while (this.#lastPoll.size > MAX_KEYS) this.#lastPoll.delete(this.#lastPoll.keys().next().value!);
    return last !== undefined && nowMs - last < this.minIntervalMs;
  }
}
