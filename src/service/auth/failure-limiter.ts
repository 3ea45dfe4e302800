/**
 * Failed authentication attempts per client address, in a sliding window: after `limit`
 * failures within `windowMs`, the address gets 429 until the oldest of them leaves the window.
 * (@fastify/rate-limit counts every request; this counts failures only.) Memory is bounded:
 * at most `maxAddresses` addresses are tracked, the least recently failing dropped first.
 */

/** Limits of {@link FailureLimiter}. */
export interface FailureLimits {
  /** Failures allowed within the window. @default 10 */
  limit?: number;
  /** The window, ms. @default 60000 */
  windowMs?: number;
  /** Addresses tracked at once. @default 10000 */
  maxAddresses?: number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  readonly limit: number;
  readonly windowMs: number;
  private readonly maxAddresses: number;

  constructor(
    limits: FailureLimits,
    private readonly now: () => number,
  ) {
    this.limit = limits.limit ?? 10;
    this.windowMs = limits.windowMs ?? 60_000;
    this.maxAddresses = limits.maxAddresses ?? 10_000;
  }

  private recent(address: string): number[] {
    const times = this.failures.get(address);
    if (times === undefined) return [];
    const since = this.now() - this.windowMs;
    while (times.length > 0 && times[0] <= since) times.shift();
    if (times.length === 0) this.failures.delete(address);
    return times;
  }

  /** Seconds until `address` may try again, or 0 when it may now. */
  blockedFor(address: string): number {
    const times = this.recent(address);
    if (times.length < this.limit) return 0;
    return Math.max(1, Math.ceil((times[times.length - this.limit] + this.windowMs - this.now()) / 1000));
  }

  /** Count a failure of `address`. */
  fail(address: string): void {
    const times = this.recent(address);
    // Re-inserted so the map's order is least recently failing first.
    this.failures.delete(address);
    times.push(this.now());
    // Only the last `limit` failures decide a block.
    if (times.length > this.limit) times.splice(0, times.length - this.limit);
    this.failures.set(address, times);
    if (this.failures.size > this.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
  }
}
