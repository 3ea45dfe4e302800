/** Bounds of {@link readAhead}. */
export interface ReadAheadLimits<T> {
  /** Items held at most. */
  items: number;
  /** Bytes held at most, as `weigh` counts them (items that carry their data, e.g. stdin blocks). */
  bytes: number;
  weigh: (item: T) => number;
}

/**
 * Pull an async iterable ahead of its consumer, within `limits`. The engine lists this way so
 * listing totals (and progress ETAs) are known early and listing overlaps downloads, while a
 * bucket of millions of keys, or an endless stdin, holds only a bounded amount at a time.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, limits: ReadAheadLimits<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const buffer: T[] = [];
  let held = 0;
  let done = false,
    finished = false,
    failure: { error: unknown } | undefined,
    stopped = false;
  let wakeConsumer: (() => void) | null = null,
    wakeProducer: (() => void) | null = null;
  const wake = (w: (() => void) | null) => w?.();

  const producer = (async () => {
    try {
      while (!stopped) {
        if (buffer.length >= limits.items || held >= limits.bytes) {
          await new Promise<void>((r) => {
            wakeProducer = r;
          });
          continue;
        }
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          break;
        }
        buffer.push(next.value);
        held += limits.weigh(next.value);
        const w = wakeConsumer;
        wakeConsumer = null;
        wake(w);
      }
    } catch (error) {
      failure = { error };
      finished = true;
    } finally {
      done = true;
      const w = wakeConsumer;
      wakeConsumer = null;
      wake(w);
    }
  })();

  try {
    for (;;) {
      if (buffer.length > 0) {
        const item = buffer.shift()!;
        held -= limits.weigh(item);
        const w = wakeProducer;
        wakeProducer = null;
        wake(w);
        yield item;
        continue;
      }
      if (failure) throw failure.error;
      if (done) return;
      await new Promise<void>((r) => {
        wakeConsumer = r;
      });
    }
  } finally {
    stopped = true;
    const w = wakeProducer;
    wakeProducer = null;
    wake(w);
    await producer;
    // Stopped early: let the listing run its own cleanup (close requests, finally blocks).
    if (!finished) await iterator.return?.();
  }
}
