/**
 * A run's tables: one per worker slot, each lent to one scan at a time and aggregating every
 * object scanned into it. With as many tables as threads, a worker never waits for a table, and
 * the digest is held at most once per table (not once per object, as per-object partials were).
 */
import type { TableState } from '../table/table.js';
import { dropped } from '../util/reclaim.js';

export class RunTables {
  private readonly states: Array<TableState | undefined>;
  private readonly free: number[];
  /** Waiters for any slot (`want` -1) or for one slot; one waiting for its own slot goes first. */
  private readonly waiting: Array<{ want: number; resolve: (slot: number) => void }> = [];

  constructor(count: number) {
    this.states = new Array<TableState | undefined>(count).fill(undefined);
    this.free = Array.from({ length: count }, (_, i) => count - 1 - i);
  }

  /** A free slot, or slot `want` (waits while it is lent out). */
  acquire(want = -1): Promise<number> {
    const i = want < 0 ? this.free.length - 1 : this.free.indexOf(want);
    if (i >= 0) return Promise.resolve(this.free.splice(i, 1)[0]);
    return new Promise((resolve) => this.waiting.push({ want, resolve }));
  }

  /** How many slots there are. */
  get count(): number {
    return this.states.length;
  }

  /** The table of a slot (undefined until its first scan). */
  state(slot: number): TableState | undefined {
    return this.states[slot];
  }

  /** Give back a slot, with its table's new state when the scan changed it. */
  release(slot: number, state?: TableState): void {
    if (state !== undefined) {
      const old = this.states[slot];
      // Arrays the table outgrew: shared memory, freed once every thread that held them collects.
      if (old !== undefined) dropped(replaced(old, state));
      this.states[slot] = state;
    }
    let i = this.waiting.findIndex((w) => w.want === slot);
    if (i < 0) i = this.waiting.findIndex((w) => w.want < 0);
    if (i < 0) {
      this.free.push(slot);
      return;
    }
    this.waiting.splice(i, 1)[0].resolve(slot);
  }

  /** Every table that holds rows. */
  filled(): TableState[] {
    return this.states.filter((s): s is TableState => s !== undefined && s.size > 0);
  }
}

/**
 * Bytes of `old`'s arrays (or its resident memory) that `now` no longer holds. Arrays are told apart by length, not by
 * identity: a state posted back from a worker wraps even unchanged shared memory in new objects,
 * and a table only ever replaces an array by a longer one.
 */
function replaced(old: TableState, now: TableState): number {
  // A resident table stays in its memory (format/resident-table.ts) until it moves to JavaScript's columns.
  if (old.home !== undefined) return now.home === undefined ? old.home.memory.buffer.byteLength : 0;
  let n = 0;
  for (const k of ['slots', 'ints', 'nums', 'keyBytes', 'lost'] as const) {
    const was = old[k];
    if (was && was.byteLength !== (now[k]?.byteLength ?? 0)) n += was.byteLength;
  }
  return n;
}
