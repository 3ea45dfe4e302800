/**
 * A run's tables: one per worker slot, each lent to one scan at a time and aggregating every
 * object scanned into it. With as many tables as threads, a worker never waits for a table, and
 * the digest is held at most once per table (not once per object, as per-object partials were).
 */
import type { TableState } from '../digest/table.js';

export class RunTables {
  private readonly states: Array<TableState | undefined>;
  private readonly free: number[];
  private readonly waiting: Array<(slot: number) => void> = [];

  constructor(count: number) {
    this.states = new Array<TableState | undefined>(count).fill(undefined);
    this.free = Array.from({ length: count }, (_, i) => count - 1 - i);
  }

  /** A free slot (waits while every table is lent out). */
  acquire(): Promise<number> {
    const slot = this.free.pop();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The table of a slot (undefined until its first scan). */
  state(slot: number): TableState | undefined {
    return this.states[slot];
  }

  /** Give back a slot, with its table's new state when the scan changed it. */
  release(slot: number, state?: TableState): void {
    if (state !== undefined) this.states[slot] = state;
    const next = this.waiting.shift();
    if (next) next(slot); else this.free.push(slot);
  }

  /** Every table that holds rows. */
  filled(): TableState[] {
    return this.states.filter((s): s is TableState => s !== undefined && s.size > 0);
  }
}
