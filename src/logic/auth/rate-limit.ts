/**
 * @module logic/auth/rate-limit
 * Abuse resistance of the public login endpoints and of `/mcp`, in memory of one process:
 * - `SlidingWindowLimiter`: at most `limit` accepted units of work per key in any window of
 *   `windowMs` (a sliding log of timestamps); an attempt that does not fit is refused whole,
 *   with the time until enough slots free up. An attempt may cost several units (a JSON-RPC
 *   batch costs its calls), so the limit counts work, not envelopes.
 * - `CallerLimiter`: the same per caller (a key such as a client id) within a group (the
 *   caller's address, or the token's subject), plus a budget per group of `groupFactor` times
 *   the limit, so that a caller who varies the part of the key they choose freely (an OAuth
 *   `client_id` is any string) gets fresh buckets only up to the group's budget instead of
 *   without bound. Both windows are checked before either records, so a refusal costs nothing.
 * - `DevicePollTracker`: remembers when each device code was last polled, so that a client
 *   polling faster than the advertised interval gets RFC 8628 `slow_down`.
 * Per process by design: with N processes behind a balancer a client may get up to N times
 * the limit. That bounds abuse without a shared store; a deployment that needs exact global
 * limits puts them in its reverse proxy. Memory is bounded: idle keys are swept, the number of
 * keys is capped (the oldest are dropped first), and a key holds at most `limit` timestamps.
 * Time is passed in.
 */
import { RateLimitedError } from '../../core/errors.ts';

/** Upper bound on remembered keys per limiter; beyond it the oldest keys are forgotten. */
const MAX_KEYS = 100_000;

/**
 * How many callers' worth of budget one group (an address, a subject) has: a few clients at
 * one address (DiracX's CLI, a web UI, an MCP host) each keep a full budget of their own, and
 * rotating client ids buys at most this factor, never an unbounded number of fresh buckets.
 */
export const GROUP_BUDGET_FACTOR = 4;

export class SlidingWindowLimiter {
  readonly #hits = new Map<string, number[]>();
  #lastSweep = 0;

  /** `limit` 0 disables the limiter. */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 0)
      throw new TypeError('SlidingWindowLimiter: limit must be an integer >= 0');
    if (!(windowMs > 0)) throw new TypeError('SlidingWindowLimiter: windowMs must be positive');
  }

  /**
   * Counts `cost` units of work for `key` at `nowMs`, all or none.
   * @throws RateLimitedError (with the seconds until enough slots free) when they do not fit.
   */
  hit(key: string, nowMs: number, cost = 1): void {
    const wait = this.waitSeconds(key, nowMs, cost);
    if (wait !== undefined) throw new RateLimitedError('Too many requests', wait);
    this.record(key, nowMs, cost);
  }

  /**
   * Undefined when `cost` units fit in `key`'s window at `nowMs`, else the seconds until they
   * would (the whole window when `cost` exceeds the limit itself). Records nothing.
   */
  waitSeconds(key: string, nowMs: number, cost = 1): number | undefined {
    if (this.limit === 0) return undefined;
    this.#sweep(nowMs);
    const recent = this.#recent(key, nowMs);
    if (recent.length + cost <= this.limit) return undefined;
    if (cost > this.limit) return Math.ceil(this.windowMs / 1000);
    // The oldest entries that must leave before `cost` more fit.
    // biome-ignore lint/style/noNonNullAssertion: in range, as recent.length + cost > limit >= cost
    const freeing = recent[recent.length + cost - this.limit - 1]!;
    return Math.max(1, Math.ceil((freeing + this.windowMs - nowMs) / 1000));
  }

  /** Records `cost` units for `key` at `nowMs` without checking (after `waitSeconds` said they fit). */
  record(key: string, nowMs: number, cost = 1): void {
    if (this.limit === 0 || cost <= 0) return;
    const recent = this.#recent(key, nowMs);
    for (let i = 0; i < cost; i++) recent.push(nowMs);
    this.#hits.delete(key); // re-insert: Map order is then least recently used first
    this.#hits.set(key, recent.slice(-this.limit));
    for (const oldest of this.#hits.keys()) {
      if (this.#hits.size <= MAX_KEYS) break;
      this.#hits.delete(oldest);
    }
  }

  /** Keys currently remembered (for tests and metrics). */
  get size(): number {
    return this.#hits.size;
  }

  #recent(key: string, nowMs: number): number[] {
    const recent = (this.#hits.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (this.#hits.has(key)) this.#hits.set(key, recent);
    return recent;
  }

  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweep < this.windowMs) return;
    this.#lastSweep = nowMs;
    for (const [key, times] of this.#hits) if (times.every((t) => t <= nowMs - this.windowMs)) this.#hits.delete(key);
  }
}

/**
 * `limit` units per caller within a group, and `limit × groupFactor` per group (see the module
 * docblock). `limit` 0 disables both.
 */
export class CallerLimiter {
  readonly #perCaller: SlidingWindowLimiter;
  readonly #perGroup: SlidingWindowLimiter;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    readonly groupFactor = GROUP_BUDGET_FACTOR,
  ) {
    if (!Number.isInteger(groupFactor) || groupFactor < 1)
      throw new TypeError('CallerLimiter: groupFactor must be an integer >= 1');
    this.#perCaller = new SlidingWindowLimiter(limit, windowMs);
    this.#perGroup = new SlidingWindowLimiter(limit * groupFactor, windowMs);
  }

  /**
   * Counts `cost` units of work of `caller` within `group` at `nowMs`, all or none.
   * @throws RateLimitedError when they do not fit in either window.
   */
  hit(caller: string, group: string, nowMs: number, cost = 1): void {
    this.check(caller, group, nowMs, cost);
    // JSON-encoded so that no caller string can forge another group's key.
    this.#perCaller.record(JSON.stringify([caller, group]), nowMs, cost);
    this.#perGroup.record(group, nowMs, cost);
  }

  /**
   * Refuses like `hit` when `cost` units would not fit, recording nothing.
   * @throws RateLimitedError when they would not fit.
   */
  check(caller: string, group: string, nowMs: number, cost = 1): void {
    const waits = [
      this.#perCaller.waitSeconds(JSON.stringify([caller, group]), nowMs, cost),
      this.#perGroup.waitSeconds(group, nowMs, cost),
    ];
    const wait = Math.max(...waits.map((w) => w ?? 0));
    if (wait > 0) throw new RateLimitedError('Too many requests', wait);
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
    for (const oldest of this.#lastPoll.keys()) {
      if (this.#lastPoll.size <= MAX_KEYS) break;
      this.#lastPoll.delete(oldest);
    }
    return last !== undefined && nowMs - last < this.minIntervalMs;
  }
}
