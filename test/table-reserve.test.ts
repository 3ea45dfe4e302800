// A reserving run table (the workers' run tables, TableMemory.reserve) that outgrows its first
// room grows into columns allocated once, for RESERVE_ENTRIES entries and RESERVE_KEY_BYTES key
// bytes, instead of copying them into larger arrays again and again: its arrays are replaced once
// (a table that never grows reserves nothing), through JavaScript upserts, the kernel's merges
// and hand-overs between threads (attach), while its budget is charged exactly what a table that
// reallocates is charged, and runs out at the same row.
import { expect, it } from 'vitest';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import {
  COL,
  DigestTable,
  hashKey,
  INT_STRIDE,
  memoryBudget,
  NUM_STRIDE,
  RESERVE_ENTRIES,
  type TableView,
} from '../dist/table/table.js';
import { MemoryLimitError } from '../dist/errors.js';
import { RUN_TABLE_START } from '../dist/pool/protocol.js';

const kernel = WasmKernel.load()!;

/** `n` distinct keys from `from` on, as a packed view (some long, so the key bytes outgrow their room). */
function rows(from: number, n: number): TableView {
  const keys = Array.from({ length: n }, (_, i) =>
    Buffer.from(`123456789012\0eni-${from + i}\0${(from + i) % 3 === 0 ? 'x'.repeat(90) : '10.0.0.1'}\0b\0ACCEPT`),
  );
  const ints = new Int32Array(n * INT_STRIDE),
    nums = new Float64Array(n * NUM_STRIDE);
  const keyBytes = new Uint8Array(keys.reduce((s, k) => s + k.length, 0));
  let ko = 0;
  keys.forEach((k, e) => {
    const b = e * INT_STRIDE;
    ints[b + COL.I_KEYOFF] = ko;
    ints[b + COL.I_KEYLEN] = k.length;
    ints[b + COL.I_HASH] = hashKey(k, 0, k.length, 443, 80, 6);
    ints[b + COL.I_SPORT] = 443;
    ints[b + COL.I_DPORT] = 80;
    ints[b + COL.I_PROTO] = 6;
    keyBytes.set(k, ko);
    ko += k.length;
    nums.set([e + 1, 0, 40 * (e + 1), 0, e, e + 60, 1], e * NUM_STRIDE);
  });
  return { size: n, ints, nums, keyBytes };
}

function contents(t: DigestTable) {
  const s = t.state();
  return {
    size: s.size,
    keyUsed: s.keyUsed,
    slots: Array.from(s.slots),
    ints: Array.from(s.ints.subarray(0, s.size * INT_STRIDE)),
    nums: Array.from(s.nums.subarray(0, s.size * NUM_STRIDE)),
    keys: Buffer.from(s.keyBytes.subarray(0, s.keyUsed)).toString('hex'),
  };
}

function buffersOf(t: DigestTable): ArrayBufferLike[] {
  const s = t.state();
  return [s.ints.buffer, s.nums.buffer, s.keyBytes.buffer];
}

/** Merge `batches` of rows into a shared run table, by `how`; the table is handed over (attach) between batches. */
function grow(reserve: boolean, how: 'kernel' | 'javascript', batches: number[]) {
  const budget = memoryBudget(1 << 30);
  const memory = { shared: true, budget, reserve };
  let t = new DigestTable(RUN_TABLE_START, memory);
  // Each column's arrays, told apart by length (an attached state's are new objects over the same memory).
  const seen = buffersOf(t).map((b) => new Set([b.byteLength]));
  let from = 0;
  for (const n of batches) {
    const v = rows(from, n);
    from += n;
    if (how === 'kernel') expect(kernel.mergeInto(t, [v])).toBe(true);
    else t.mergeFrom(v);
    t = DigestTable.attach(t.state(), memory);
    buffersOf(t).forEach((b, i) => seen[i].add(b.byteLength));
  }
  return { table: t, used: budget.used[0], replaced: seen.map((lengths) => lengths.size - 1) };
}

for (const how of ['kernel', 'javascript'] as const) {
  it(`grows into its reserved columns (${how} merges), charged as a table that reallocates`, () => {
    // 140 k rows: past a run table's first room (16 k entries, 768 KiB of keys) many times over.
    const batches = [3_000, 20_000, 1, 100_000, 17_000];
    const reserving = grow(true, how, batches),
      reallocating = grow(false, how, batches);
    expect(contents(reserving.table)).toEqual(contents(reallocating.table));
    expect(reserving.used).toBe(reallocating.used);
    expect(reserving.table.bytes).toBe(reallocating.table.bytes);
    // The point: each column replaced once, into its reservation (a reallocating table's again and again).
    expect(reserving.replaced).toEqual([1, 1, 1]);
    expect(Math.min(...reallocating.replaced)).toBeGreaterThan(1);
    expect(reserving.table.state().ints.length).toBe(RESERVE_ENTRIES * INT_STRIDE);
  });
}

it('runs out of its budget at the same row as a table that reallocates', () => {
  const failAt = (reserve: boolean) => {
    const t = new DigestTable(1024, { shared: true, budget: memoryBudget(6 << 20), reserve });
    const v = rows(0, 100_000);
    for (let e = 0; e < v.size; e++) {
      try {
        t.mergeEntry(v, e);
      } catch (err) {
        expect(err).toBeInstanceOf(MemoryLimitError);
        return e;
      }
    }
    return -1;
  };
  const at = failAt(false);
  expect(at).toBeGreaterThan(0);
  expect(failAt(true)).toBe(at);
});
