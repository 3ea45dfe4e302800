// Rows for the run-table merge tests (the kernel's, test/kernel-run-merge.test.ts; the resident
// table's, test/resident-table.test.ts): few distinct keys, so rows meet again; hashes from seven
// values, so every probe is a collision; sums at the 2^52 carry; absent times.
import fc from 'fast-check';
import { COL, INT_STRIDE, NUM_STRIDE, type TableView, TWO52 } from '../../dist/table/table.js';

/** One row: its key's bytes, hash, ports and Float64 values. */
export interface Row {
  key: number[];
  hash: number;
  ports: [number, number, number];
  values: number[];
}

export const valueArb = fc.tuple(
  fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(TWO52 - 1)),
  fc.integer({ min: 0, max: 2 }),
  fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(TWO52 - 3)),
  fc.integer({ min: 0, max: 2 }),
  fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(Infinity)),
  fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(-Infinity)),
  fc.integer({ min: 1, max: 3 }),
);

export const rowArb: fc.Arbitrary<Row> = fc.record({
  // Few distinct keys (so rows meet again), some long (so key bytes grow past their first 4096),
  // some equal but for their last byte (keys are compared sixteen bytes at a time, the last
  // sixteen overlapping those before).
  key: fc.oneof(
    fc.array(fc.constantFrom(0, 45, 97, 98), { minLength: 0, maxLength: 6 }),
    fc.constantFrom(0, 1, 2).map((c) => Array.from({ length: 700 }, (_, i) => (i * 7 + c) & 255)),
    fc
      .tuple(fc.constantFrom(16, 20, 700), fc.constantFrom(0, 1, 2))
      .map(([n, c]) => Array.from({ length: n }, (_, i) => (i === n - 1 ? c : 97))),
  ),
  hash: fc.integer({ min: -3, max: 3 }),
  ports: fc.tuple(fc.constantFrom(-1, 0, 443), fc.constantFrom(-1, 80), fc.constantFrom(-1, 6)),
  values: valueArb,
});

/** How {@link view} lays rows out. */
export interface ViewLayout {
  /** Keys last row first (not in row order). */
  reversed?: boolean;
  /** Int32 rows 4 bytes, key bytes this many bytes, into their buffers. */
  skew?: number;
}

/** Rows packed as a table view (the layout of packed hand-off blocks). */
export function view(rows: readonly Row[], { reversed = false, skew = 0 }: ViewLayout = {}): TableView {
  const first = skew > 0 ? 1 : 0;
  const ints = new Int32Array(rows.length * INT_STRIDE + first).subarray(first),
    nums = new Float64Array(rows.length * NUM_STRIDE);
  const total = rows.reduce((n, r) => n + r.key.length, 0);
  const keyBytes = new Uint8Array(total + skew).subarray(skew);
  let ko = 0;
  rows.forEach((r, e) => {
    const b = e * INT_STRIDE;
    const at = reversed ? total - ko - r.key.length : ko;
    ints[b + COL.I_KEYOFF] = at;
    ints[b + COL.I_KEYLEN] = r.key.length;
    ints[b + COL.I_HASH] = r.hash;
    [ints[b + COL.I_SPORT], ints[b + COL.I_DPORT], ints[b + COL.I_PROTO]] = r.ports;
    keyBytes.set(r.key, at);
    ko += r.key.length;
    nums.set(r.values, e * NUM_STRIDE);
  });
  return { size: rows.length, ints, nums, keyBytes };
}
