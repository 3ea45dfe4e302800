// The kernel sorts a run table a batch of ranked prefixes at a time (scan.c sort_entries), in one
// reused room, and lays it out with the Float64 columns copied over its own copy of the other
// columns: the order and the layout are exactly digest/order.ts's canonicalOrder and table.ts's
// layOutInOrder with tiny batches forced (down to one rank a batch), many ranks, one huge rank,
// and no ranks at all; and the kernel's memory after sorting and laying out a table of real-looking
// keys stays within the columns it copies in plus a fixed room (the whole-table sort took about
// 300 bytes an entry).
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { canonicalOrder } from '../dist/digest/order.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { COL, INT_STRIDE, NUM_STRIDE } from '../dist/table/contract.js';
import { DigestTable, hashKey, layOutInOrder } from '../dist/table/table.js';
import { type SortEntry, tableOf } from './support/sort-table.js';

const kernel = WasmKernel.load()!;

afterEach(() => kernel.setSortBatch(0));

const bytes = (s: string) => Array.from(new TextEncoder().encode(s));

/** The first index where `a` and `b` differ (their lengths too), or -1: a quick check of big arrays. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** A copy of `t` with values, laid out by the kernel, against layOutInOrder's; and the order. */
function expectSortAndLayout(t: DigestTable): void {
  for (let e = 0; e < t.size; e++) t.addAggregate(e, e, 0, e * 3, 0, e, e + 1, 1);
  const order = kernel.order(t);
  expect(order).not.toBeNull();
  const want = canonicalOrder(t);
  expect(firstDiff(order!, want)).toBe(-1);
  const js = new DigestTable(16),
    wasm = new DigestTable(16);
  js.mergeFrom(t);
  wasm.mergeFrom(t);
  layOutInOrder(js, canonicalOrder(js));
  expect(kernel.order(wasm)).not.toBeNull();
  expect(kernel.layOut(wasm)).toBe(true);
  const n = js.size;
  expect(firstDiff(wasm.ints.subarray(0, n * INT_STRIDE), js.ints.subarray(0, n * INT_STRIDE))).toBe(-1);
  expect(firstDiff(wasm.nums.subarray(0, n * NUM_STRIDE), js.nums.subarray(0, n * NUM_STRIDE))).toBe(-1);
  expect(firstDiff(wasm.keyBytes.subarray(0, js.keyUsed), js.keyBytes.subarray(0, js.keyUsed))).toBe(-1);
}

const entry = (pool: number) =>
  fc
    .record({
      p: fc.nat(),
      // Short fields (keys shorter than the Float64 row: the layout takes room of its own for
      // them) or long ones (the Float64 columns go over the copied-in columns).
      f: fc.array(
        fc.oneof(fc.array(fc.constantFrom(0, 1, 0x41, 0xff), { maxLength: 3 }), fc.constant(bytes('10.38.41.219'))),
        {
          minLength: 3,
          maxLength: 3,
        },
      ),
      sp: fc.constantFrom(-1, 0, 1, 443, 65535),
      dp: fc.constantFrom(-1, 0, 80),
      pr: fc.constantFrom(-1, 6, 17),
    })
    .map(
      ({ p, f, sp, dp, pr }): SortEntry => ({
        // account and interface: one of `pool` prefixes (ranked when at most a quarter of the entries)
        fields: [bytes(String(p % pool)), [(p % pool) & 0xff, 1], ...f],
        sp,
        dp,
        pr,
      }),
    );

it('orders and lays out as canonicalOrder and layOutInOrder do, with batches down to one rank', () => {
  fc.assert(
    fc.property(
      // 1: one huge rank; up to 600: many ranks (up to a quarter of the entries) or none at all.
      fc.oneof(fc.constant(1), fc.integer({ min: 2, max: 600 })),
      fc.constantFrom(0, 1, 2, 7, 64, 1000),
      fc.integer({ min: 0, max: 2500 }),
      fc.nat(),
      (pool, batch, size, seed) => {
        const entries = fc.sample(fc.array(entry(pool), { minLength: size, maxLength: size }), { seed, numRuns: 1 })[0];
        kernel.setSortBatch(batch);
        expectSortAndLayout(tableOf(entries));
      },
    ),
    { numRuns: 60 },
  );
});

it('orders tables with no ranks (heads of fewer than two NULs, or too many prefixes) whatever the batch', () => {
  kernel.setSortBatch(1);
  const few: SortEntry[] = Array.from({ length: 500 }, (_, i) => ({
    fields: [[i & 7, i >> 3]],
    sp: i % 3,
    dp: -1,
    pr: 6,
  }));
  expectSortAndLayout(tableOf(few));
  const many: SortEntry[] = Array.from({ length: 500 }, (_, i) => ({
    fields: [bytes(String(i)), bytes('eni'), [i & 3], [], bytes('ACCEPT')],
    sp: i,
    dp: 1,
    pr: 6,
  }));
  expectSortAndLayout(tableOf(many));
});

it("sorts and lays out 200 k real-looking entries in about the columns' memory, with the order unchanged", () => {
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const enc = new TextEncoder();
  const accounts = Array.from({ length: 6 }, (_, i) => `${123456789000 + i * 7919}`);
  const enis = Array.from(
    { length: 400 },
    (_, i) => `eni-0${(0x1000000 + i * 2654435).toString(16).padStart(16, '0')}`,
  );
  const ip = () =>
    rnd(100) < 3
      ? `2600:1f18:${rnd(65536).toString(16)}::${rnd(65536).toString(16)}`
      : `${10 + rnd(200)}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
  const n = 200_000;
  const t = new DigestTable(1 << 16, { shared: true });
  while (t.size < n) {
    const key = enc.encode(
      [accounts[rnd(6)], enis[rnd(400)], ip(), ip(), rnd(10) < 8 ? 'ACCEPT' : 'REJECT'].join('\0'),
    );
    const sp = rnd(2) ? 0 : rnd(65536),
      dp = rnd(5) ? rnd(65536) : -1,
      pr = [6, 17, 1][rnd(3)];
    const e = t.upsert(key, 0, key.length, hashKey(key, 0, key.length, sp, dp, pr), sp, dp, pr);
    t.addAggregate(e, 1, 0, 60, 0, e, e + 1, 1);
  }
  let keyBytes = 0;
  for (let e = 0; e < n; e++) keyBytes += t.ints[e * INT_STRIDE + COL.I_KEYLEN];
  const want = canonicalOrder(t);
  const js = new DigestTable(16);
  js.mergeFrom(t);
  layOutInOrder(js, want);

  const fresh = WasmKernel.load()!;
  const before = fresh.memoryBytes;
  const order = fresh.order(t);
  expect(order).not.toBeNull();
  expect(firstDiff(order!, want)).toBe(-1);
  expect(fresh.layOut(t)).toBe(true);
  expect(firstDiff(t.ints.subarray(0, n * INT_STRIDE), js.ints.subarray(0, n * INT_STRIDE))).toBe(-1);
  expect(firstDiff(t.keyBytes.subarray(0, keyBytes), js.keyBytes.subarray(0, keyBytes))).toBe(-1);
  expect(firstDiff(t.nums.subarray(0, n * NUM_STRIDE), js.nums.subarray(0, n * NUM_STRIDE))).toBe(-1);
  // The columns the kernel copies in (the order, the Int32 columns, the keys) and 40 bytes an
  // entry more, plus a fixed 16 MiB (the prefix ranks' tables, one batch's room, the layout's
  // windows). The whole-table sort took about 300 bytes an entry (about 60 MB here).
  const grown = fresh.memoryBytes - before;
  expect(grown).toBeLessThan(n * (4 + INT_STRIDE * 4 + 40) + keyBytes + 16 * 2 ** 20);
});
