/** Per-key serialization and counting limits for the routes. */
import { HttpError } from './errors.js';

/** One holder per key at a time (this process): serializes check-mark-queue for a window. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Whether `key` is held or awaited. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
}

/** A counting limit that refuses (503) rather than waits: renders hold whole digests in memory. */
export class Slots {
  private used = 0;
  constructor(
    private readonly size: number,
    private readonly what: string,
  ) {}

  async with<T>(fn: () => Promise<T>): Promise<T> {
    if (this.used >= this.size)
      throw new HttpError(503, `${this.size} ${this.what} already in progress; try again shortly`, {
        'retry-after': '2',
      });
    this.used++;
    try {
      return await fn();
    } finally {
      this.used--;
    }
  }
}
