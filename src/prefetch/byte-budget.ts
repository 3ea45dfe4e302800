/**
 * A counting limit on bytes held, with FIFO waiters (no polling). One request larger than the
 * whole budget is granted only when nothing else is held, so it can never starve or deadlock.
 */
import { AbortError } from '../errors.js';

interface Waiter {
  n: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class ByteBudget {
  private held = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly max: number) {}

  /** Bytes currently held. */
  get inUse(): number {
    return this.held;
  }

  /** Wait until `n` bytes fit (or nothing is held), then hold them. */
  acquire(n: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    if (this.waiters.length === 0 && this.fits(n)) {
      this.held += n;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { n, resolve, reject };
      this.waiters.push(w);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) {
            this.waiters.splice(i, 1);
            reject(new AbortError(signal.reason));
            this.drain();
          }
        },
        { once: true },
      );
    });
  }

  /** Give back `n` bytes and wake whoever now fits, in arrival order. */
  release(n: number): void {
    this.held -= n;
    this.drain();
  }

  private fits(n: number): boolean {
    return this.held === 0 || this.held + n <= this.max;
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.fits(this.waiters[0].n)) {
      const w = this.waiters.shift()!;
      this.held += w.n;
      w.resolve();
    }
  }
}
