/**
 * The prefetcher: `concurrency` loops pull from one listing and download objects ahead of the
 * consumer, bounded by a semaphore (the loop count) and a byte budget on stored bytes.
 *
 * Memory ceiling: at most `maxBytes` of stored bytes are held at once — or one object alone when
 * it is larger than that. Bytes stay held until the consumer calls `release()` (i.e. until the
 * worker that received them finished). Objects are delivered in completion order.
 *
 * On error or abort every loop is cancelled and awaited before the generator settles.
 */
import { setMaxListeners } from 'node:events';
import { AbortError } from '../errors.js';
import { ByteBudget } from './byte-budget.js';

/** A downloaded object, held against the budget until `release()`. */
export interface Prefetched<R> {
  ref: R;
  /** The stored bytes, or the error reading them (the consumer decides whether it is fatal). */
  data: Uint8Array | null;
  error?: unknown;
  release(): void;
}

export interface PrefetchOptions {
  /** Downloads in flight at once. @default 8 */
  concurrency: number;
  /** Stored bytes held at once (see the memory ceiling above). */
  maxBytes: number;
  signal?: AbortSignal;
}

/** Prefetch `refs` with `read`. The consumer must call `release()` on every item it receives. */
export async function* prefetch<R extends { size: number }>(
  refs: AsyncIterable<R>,
  read: (ref: R, signal: AbortSignal) => Promise<Uint8Array>,
  options: PrefetchOptions,
): AsyncGenerator<Prefetched<R>> {
  const inner = new AbortController();
  // Each loop's budget wait and read listen on it: that is expected, not a leak.
  setMaxListeners(0, inner.signal);
  const onOuterAbort = () => inner.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) inner.abort(options.signal.reason);

  const budget = new ByteBudget(options.maxBytes);
  const iterator = refs[Symbol.asyncIterator]();
  const ready: Prefetched<R>[] = [];
  let wake: (() => void) | null = null;
  let failure: unknown;
  let listingDone = false;
  let running = options.concurrency;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  // Async generators queue concurrent next() calls, so the loops may share one iterator.
  const loop = async (): Promise<void> => {
    try {
      while (!inner.signal.aborted && !listingDone) {
        const next = await iterator.next();
        if (next.done) {
          listingDone = true;
          break;
        }
        const ref = next.value;
        await budget.acquire(ref.size, inner.signal);
        let released = false;
        const release = () => {
          if (!released) {
            released = true;
            budget.release(ref.size);
          }
        };
        try {
          ready.push({ ref, data: await read(ref, inner.signal), release });
        } catch (error) {
          if (inner.signal.aborted) {
            release();
            throw error;
          }
          ready.push({ ref, data: null, error, release });
        }
        notify();
      }
    } catch (error) {
      failure ??= error;
      inner.abort(error);
    } finally {
      running--;
      notify();
    }
  };
  const loops = Array.from({ length: options.concurrency }, loop);

  try {
    for (;;) {
      if (options.signal?.aborted) throw new AbortError(options.signal.reason);
      if (ready.length > 0) {
        yield ready.shift()!;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (running === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    inner.abort(new AbortError());
    await Promise.allSettled(loops);
    await iterator.return?.();
    for (const item of ready.splice(0)) item.release();
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
