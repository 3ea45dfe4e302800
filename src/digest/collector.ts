/** Rows collected in the order given, as packed columns: one partition of a partial, or a table of its own. */
import type { RowSink } from './runs.js';
import { COL, INT_STRIDE, LOST_STRIDE, NUM_STRIDE, type TableView } from '../table/table.js';

export class RowCollector {
  rows = 0;
  private nums: Float64Array;
  private ints: Int32Array;
  private keys: Uint8Array;
  private keyUsed = 0;
  /** Lost-packet sums ({@link LOST_STRIDE} a row), from the first row that came with them; null before. */
  private lost: Float64Array | null = null;

  constructor(rows: number) {
    this.nums = new Float64Array(Math.max(1, rows) * NUM_STRIDE);
    this.ints = new Int32Array(Math.max(1, rows) * INT_STRIDE);
    this.keys = new Uint8Array(Math.max(64, rows * 48));
  }

  /** A {@link RowSink}: copy merged row `e` of `t`, with the values at `nums[n, n + NUM_STRIDE)` (and its lost packets). */
  readonly add: RowSink = (t, e, nums, n, lost, l) => {
    this.copy(t, e, nums, n, lost ?? null, l ?? 0);
  };

  /** Copy entry `e` of `t` (its key columns, hash included, and its own values). */
  addEntry(t: TableView, e: number): void {
    this.copy(t, e, t.nums, e * NUM_STRIDE, t.lost ?? null, e * LOST_STRIDE);
  }

  private copy(t: TableView, e: number, src: Float64Array, n: number, lost: Float64Array | null, l: number): void {
    if ((this.rows + 1) * NUM_STRIDE > this.nums.length) this.growRows();
    const r = this.rows++,
      b = e * INT_STRIDE,
      o = r * INT_STRIDE,
      ti = t.ints,
      ints = this.ints;
    const off = ti[b + COL.I_KEYOFF],
      len = ti[b + COL.I_KEYLEN];
    if (this.keyUsed + len > this.keys.length) {
      const grown = new Uint8Array(Math.max(this.keys.length * 2, this.keyUsed + len));
      grown.set(this.keys.subarray(0, this.keyUsed));
      this.keys = grown;
    }
    const k = this.keys,
      tk = t.keyBytes;
    for (let i = 0; i < len; i++) k[this.keyUsed + i] = tk[off + i];
    for (let c = 0; c < INT_STRIDE; c++) ints[o + c] = ti[b + c];
    ints[o + COL.I_KEYOFF] = this.keyUsed;
    this.keyUsed += len;
    const nums = this.nums,
      m = r * NUM_STRIDE;
    for (let c = 0; c < NUM_STRIDE; c++) nums[m + c] = src[n + c];
    if (lost !== null) {
      // Rows before the first with lost packets had none: zeros.
      this.lost ??= new Float64Array((this.nums.length / NUM_STRIDE) * LOST_STRIDE);
      this.lost.set(lost.subarray(l, l + LOST_STRIDE), r * LOST_STRIDE);
    }
  }

  /**
   * The rows as one ArrayBuffer (values, lost packets if any, key columns, key bytes), to
   * transfer to another thread; {@link unpackRows} reads it back.
   */
  pack(): PackedRows {
    const numBytes = this.rows * NUM_STRIDE * 8,
      lostBytes = this.lost === null ? 0 : this.rows * LOST_STRIDE * 8,
      intBytes = this.rows * INT_STRIDE * 4;
    const buf = new ArrayBuffer(numBytes + lostBytes + intBytes + this.keyUsed);
    new Float64Array(buf, 0, this.rows * NUM_STRIDE).set(this.nums.subarray(0, this.rows * NUM_STRIDE));
    if (this.lost !== null)
      new Float64Array(buf, numBytes, this.rows * LOST_STRIDE).set(this.lost.subarray(0, this.rows * LOST_STRIDE));
    new Int32Array(buf, numBytes + lostBytes, this.rows * INT_STRIDE).set(
      this.ints.subarray(0, this.rows * INT_STRIDE),
    );
    new Uint8Array(buf, numBytes + lostBytes + intBytes, this.keyUsed).set(this.keys.subarray(0, this.keyUsed));
    return { rows: this.rows, keyBytes: this.keyUsed, buffer: buf, ...(this.lost === null ? {} : { lost: true }) };
  }

  private growRows(): void {
    const nums = new Float64Array(this.nums.length * 2),
      ints = new Int32Array(this.ints.length * 2);
    nums.set(this.nums);
    ints.set(this.ints);
    this.nums = nums;
    this.ints = ints;
    if (this.lost !== null) {
      const lost = new Float64Array(this.lost.length * 2);
      lost.set(this.lost);
      this.lost = lost;
    }
  }

  /** The rows collected, as a table (views over the collector's arrays). */
  view(): TableView {
    return {
      size: this.rows,
      nums: this.nums.subarray(0, this.rows * NUM_STRIDE),
      ints: this.ints.subarray(0, this.rows * INT_STRIDE),
      keyBytes: this.keys.subarray(0, this.keyUsed),
      ...(this.lost === null ? {} : { lost: this.lost.subarray(0, this.rows * LOST_STRIDE) }),
    };
  }
}

/** Rows packed by {@link RowCollector.pack}. */
export interface PackedRows {
  rows: number;
  keyBytes: number;
  buffer: ArrayBuffer;
  /** True when the rows carry lost-packet sums (after the values). */
  lost?: boolean;
}

/** Views over packed rows; no copying. */
export function unpackRows(p: PackedRows): TableView {
  const numBytes = p.rows * NUM_STRIDE * 8,
    lostBytes = p.lost ? p.rows * LOST_STRIDE * 8 : 0,
    intBytes = p.rows * INT_STRIDE * 4;
  return {
    size: p.rows,
    nums: new Float64Array(p.buffer, 0, p.rows * NUM_STRIDE),
    ints: new Int32Array(p.buffer, numBytes + lostBytes, p.rows * INT_STRIDE),
    keyBytes: new Uint8Array(p.buffer, numBytes + lostBytes + intBytes, p.keyBytes),
    ...(p.lost ? { lost: new Float64Array(p.buffer, numBytes, p.rows * LOST_STRIDE) } : {}),
  };
}
