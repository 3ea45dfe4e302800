/**
 * Rows of sorted runs for the kernel's range tests (kernel-merge, kernel-partial): v2-shaped keys
 * drawn from `field`, half of them from a handful of keys so runs share keys often, absent ports
 * and times, sums near the 2^52 carry; and a run of them as the engine leaves it.
 */
import fc from 'fast-check';
import { canonicalOrder, identity } from '../../dist/digest/order.js';
import type { RunRange, SortedRun } from '../../dist/digest/runs.js';
import type { KernelRange } from '../../dist/format/wasm-kernel.js';
import { DigestTable, hashKey, layOutInOrder, TWO52 } from '../../dist/table/table.js';

export interface RunRow {
  fields: string[];
  sp: number;
  dp: number;
  pr: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
}

/** Rows whose five key fields are drawn from `field`. */
export function runRowArb(field: fc.Arbitrary<string>): fc.Arbitrary<RunRow> {
  const num = fc.constantFrom(-1, 0, 22, 443, 65535);
  const value = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(TWO52 - 1));
  const fewFields = fc
    .array(fc.constantFrom('1', '10'), { minLength: 3, maxLength: 3 })
    .map((f) => ['1', 'eni-a', ...f]);
  return fc.record({
    fields: fc.oneof<fc.Arbitrary<string[]>[]>(fc.array(field, { minLength: 5, maxLength: 5 }), fewFields),
    sp: fc.oneof(num, fc.constant(0)),
    dp: fc.oneof(num, fc.constant(443)),
    pr: fc.oneof(fc.constantFrom(-1, 6, 17), fc.constant(6)),
    packets: value,
    bytes: value,
    start: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 2e9 })),
    end: fc.oneof(fc.constant(-Infinity), fc.integer({ min: 0, max: 2e9 })),
  });
}

/**
 * A run: its rows aggregated into a table, sorted, and laid out in order (as the engine leaves
 * it) unless `laidOut` is false. `collide`: hashes cut to four values, so every probe collides.
 */
export function runOf(rows: readonly RunRow[], { laidOut = true, collide = false } = {}): SortedRun {
  const t = new DigestTable(16);
  for (const r of rows) {
    const key = Buffer.from(r.fields.join('\0'));
    const h = hashKey(key, 0, key.length, r.sp, r.dp, r.pr);
    const e = t.upsert(key, 0, key.length, collide ? h & 3 : h, r.sp, r.dp, r.pr);
    t.addAggregate(e, r.packets, 0, r.bytes, 0, r.start, r.end, 1);
  }
  if (!laidOut) return { table: t, order: canonicalOrder(t) };
  layOutInOrder(t, canonicalOrder(t));
  return { table: t, order: identity(t.size), laidOut: true };
}

/** A range of laid-out runs as the kernel takes it (each run's part: its entries from `from` to `to`). */
export function kernelRangeOf(runs: readonly SortedRun[], range: RunRange): KernelRange {
  return {
    tables: runs.map((r) => r.table),
    first: range.from,
    count: range.to.map((x, i) => x - range.from[i]),
    laidOut: true,
  };
}
