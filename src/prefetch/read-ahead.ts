/** Bounds of {@link readAhead}. */
export interface ReadAheadLimits<T> {
  /** Items held at most. */
  items: number;
  /** Bytes held at most, as `weigh` counts them (items that carry their data, e.g. stdin blocks). */
  bytes: number;
  weigh: (item: T) => number;
  /**
   * Hand out the held item of highest priority first (ties in arrival order), rather than the
   * oldest. The engine passes object sizes: largest first, so small objects fill the end of a run
   * and the workers finish together.
   */
  priority?: (item: T) => number;
}

/** The held items: a FIFO, or with a priority a binary max-heap (arrival order breaks ties). */
class Held<T> {
  private readonly items: Array<{ item: T; rank: number; seq: number }> = [];
  private head = 0;
  private seq = 0;
  constructor(private readonly priority?: (item: T) => number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    const entry = { item, rank: this.priority?.(item) ?? 0, seq: this.seq++ };
    this.items.push(entry);
    if (this.priority === undefined) return;
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(entry, this.items[parent])) break;
      this.items[i] = this.items[parent];
      i = parent;
    }
    this.items[i] = entry;
  }

  shift(): T {
    if (this.priority === undefined) {
      const { item } = this.items[this.head++];
      // Compact now and then, so a long run does not keep every item handed out.
      if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      return item;
    }
    const top = this.items[0];
    const last = this.items.pop()!;
    if (this.items.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= this.items.length) break;
        const r = l + 1;
        const c = r < this.items.length && this.before(this.items[r], this.items[l]) ? r : l;
        if (!this.before(this.items[c], last)) break;
        this.items[i] = this.items[c];
        i = c;
      }
      this.items[i] = last;
    }
    return top.item;
  }

  private before(a: { rank: number; seq: number }, b: { rank: number; seq: number }): boolean {
    return a.rank > b.rank || (a.rank === b.rank && a.seq < b.seq);
  }
}

/**
 * Pull an async iterable ahead of its consumer, within `limits`. The engine lists this way so
 * listing totals (and progress ETAs) are known early and listing overlaps downloads, while a
 * bucket of millions of keys, or an endless stdin, holds only a bounded amount at a time.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, limits: ReadAheadLimits<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const buffer = new Held<T>(limits.priority);
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
