/**
 * Retry policy: exponential backoff with full jitter, capped, honouring a server's Retry-After
 * (seconds or an HTTP date) when it asks for longer. Only transient failures are retried.
 */
import { AbortError, InvalidOptionError } from '../errors.js';
import { checkInteger } from '../util/parse.js';

/** How a stream retries transient failures. */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 6 */
  maxAttempts?: number;
  /** First backoff ceiling; doubles per attempt. @default 500 ms */
  baseMs?: number;
  /** Longest wait between attempts; a Retry-After asking for longer ends the retries. @default 60 s */
  maxMs?: number;
}

/** Resolved policy. */
export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** Thrown by an attempt that may succeed if tried again; `retryAfterMs` when the server said when. */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

/** Check and fill in defaults. */
export function retryPolicy(o: RetryOptions = {}, name = 'retry'): RetryPolicy {
  const int = (k: keyof RetryOptions, def: number, min: number, max: number): number =>
    checkInteger(`${name}.${k}`, o[k], { min, max }, def);
  const p = {
    maxAttempts: int('maxAttempts', 6, 1, 100),
    baseMs: int('baseMs', 500, 0, 3_600_000),
    maxMs: int('maxMs', 60_000, 0, 3_600_000),
  };
  if (p.maxMs < p.baseMs) throw new InvalidOptionError(`${name}.maxMs`, 'must not be below baseMs');
  return p;
}

/**
 * Milliseconds a `Retry-After` value asks for: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * The wait before retry number `retry` (1 = the first retry): full jitter under
 * `min(maxMs, base·2^(retry-1))`, and never less than what the server asked for.
 */
export function backoffMs(policy: RetryPolicy, retry: number, retryAfterMs?: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** Sleep, cut short by the signal (which rejects with AbortError). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new AbortError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Run `fn` until it succeeds, throws something other than a RetryableError, or the attempts
 * run out (then the last RetryableError is rethrown). `onRetry` hears of each retry before its wait.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  fn: (attempt: number) => Promise<T>,
  onRetry: (err: RetryableError, attempt: number, waitMs: number) => void = () => {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw new AbortError(signal.reason);
    try {
      return await fn(attempt);
    } catch (err) {
      if (!(err instanceof RetryableError) || attempt >= policy.maxAttempts || signal.aborted) throw err;
      // A server asking for a longer pause than the policy allows is not hammered early: give up.
      if (err.retryAfterMs !== undefined && err.retryAfterMs > policy.maxMs) throw err;
      const wait = backoffMs(policy, attempt, err.retryAfterMs);
      onRetry(err, attempt, wait);
      await sleep(wait, signal);
    }
  }
}
