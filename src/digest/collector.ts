/** Rows collected in the order given, as packed columns: one partition of a partial, or a table of its own. */
import type { RowSink } from './runs.js';
import { COL, INT_STRIDE, NUM_STRIDE, type TableView } from './table.js';

export class RowCollector {
  rows = 0;
  private nums: Float64Array;
  private ints: Int32Array;
  private keys: Uint8Array;
  private keyUsed = 0;

  constructor(rows: number) {
    this.nums = new Float64Array(Math.max(1, rows) * NUM_STRIDE);
    this.ints = new Int32Array(Math.max(1, rows) * INT_STRIDE);
    this.keys = new Uint8Array(Math.max(64, rows * 48));
  }

  readonly add: RowSink = (t, e, nums, n) => {
    if ((this.rows + 1) * NUM_STRIDE > this.nums.length) this.growRows();
    const r = this.rows++, b = e * INT_STRIDE, o = r * INT_STRIDE;
    const off = t.ints[b + COL.I_KEYOFF], len = t.ints[b + COL.I_KEYLEN];
    if (this.keyUsed + len > this.keys.length) {
      const grown = new Uint8Array(Math.max(this.keys.length * 2, this.keyUsed + len));
      grown.set(this.keys.subarray(0, this.keyUsed));
      this.keys = grown;
    }
    this.keys.set(t.keyBytes.subarray(off, off + len), this.keyUsed);
    this.ints.set(t.ints.subarray(b, b + INT_STRIDE), o);
    this.ints[o + COL.I_KEYOFF] = this.keyUsed;
    this.keyUsed += len;
    this.nums.set(nums.subarray(n, n + NUM_STRIDE), r * NUM_STRIDE);
  };

  private growRows(): void {
    const nums = new Float64Array(this.nums.length * 2), ints = new Int32Array(this.ints.length * 2);
    nums.set(this.nums);
    ints.set(this.ints);
    this.nums = nums;
    this.ints = ints;
  }

  /** The rows collected, as a table (views over the collector's arrays). */
  view(): TableView {
    return { size: this.rows, nums: this.nums.subarray(0, this.rows * NUM_STRIDE), ints: this.ints.subarray(0, this.rows * INT_STRIDE), keyBytes: this.keys.subarray(0, this.keyUsed) };
  }
}
