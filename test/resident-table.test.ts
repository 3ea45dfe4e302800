// A resident run table (format/resident-table.ts: the table's columns in a shared WebAssembly
// memory, merged into where they lie) is left exactly as DigestTable.mergeFrom of each source in
// turn leaves a JavaScript table: size, slots, columns and key bytes, from a table as small as a
// new one, with hashes drawn from a handful of values (every probe a collision), keys long enough
// to grow the key bytes, sums near the 2^52 carry, sources whose keys are not in row order (the
// merge then copies their key bytes whole), sources of more rows than one block, tables that
// outgrow their first places (the columns moved up), and a table moved out to JavaScript's
// columns half way.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { RUN_TABLE_WASM_SOURCE } from '../src/format/wasm/runtable-wasm.js';
import { digestInputs, digestToString } from '../dist/index.js';
import { memory } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { mergeResident, newResidentTable, residentToJavaScript } from '../dist/format/resident-table.js';
import {
  DigestTable,
  INT_STRIDE,
  memoryBudget,
  NUM_STRIDE,
  type TableState,
  type TableView,
} from '../dist/table/table.js';
import { type Row, rowArb, view } from './support/table-rows.js';

/** What a table holds, slot for slot. */
function snapshot(s: TableState) {
  return {
    size: s.size,
    keyUsed: s.keyUsed,
    mask: s.mask,
    slots: Array.from(s.slots.subarray(0, s.mask + 1)),
    ints: Array.from(s.ints.subarray(0, s.size * INT_STRIDE)),
    nums: Array.from(s.nums.subarray(0, s.size * NUM_STRIDE)),
    keys: Array.from(s.keyBytes.subarray(0, s.keyUsed)),
  };
}

/** JavaScript's table of `entries` first entries after merging `sources` in turn. */
function inJavaScript(sources: readonly TableView[], entries = 16384): DigestTable {
  const t = new DigestTable(entries, { shared: true });
  for (const v of sources) t.mergeFrom(v);
  return t;
}

it('a resident table merges as DigestTable.mergeFrom does, slot for slot', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.array(rowArb, { maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 7 })), {
        minLength: 1,
        maxLength: 4,
      }),
      // As small as a table gets (its slots rehash, its columns move up with rows in them), and a run table's start.
      fc.constantFrom(1, 8, 16384),
      (batches, entries) => {
        const sources = batches.map(([rows, reversed, skew]) => view(rows, { reversed, skew }));
        const budget = memoryBudget(1 << 30),
          jsBudget = memoryBudget(1 << 30);
        let state = newResidentTable(budget, entries)!;
        for (const v of sources) state = mergeResident(state, [v], budget)!;
        const js = new DigestTable(entries, { shared: true, budget: jsBudget });
        for (const v of sources) js.mergeFrom(v);
        expect(snapshot(state)).toEqual(snapshot(js.state()));
        expect(Atomics.load(budget.used, 0)).toBe(Atomics.load(jsBudget.used, 0));
        // Several sources in one merge, as a scan's or an absorb's pieces.
        const together = mergeResident(newResidentTable(budget, entries)!, sources, budget)!;
        expect(snapshot(together)).toEqual(snapshot(state));
      },
    ),
    { numRuns: 150 },
  );
});

/** `n` distinct rows (keys of 20-60 bytes) and `n / 2` of them again, shuffled by a fixed step. */
function manyRows(n: number, salt: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < n + (n >> 1); i++) {
    const k = (i * 7919 + salt) % n;
    const key = Array.from({ length: 20 + (k % 41) }, (_, j) => (k >> (j % 24)) & 255);
    rows.push({
      key,
      hash: Math.imul(k, 0x9e3779b1) | 0,
      ports: [k & 1023, 443, 6],
      values: [1, 0, 100, 0, k, k + 1, 1],
    });
  }
  return rows;
}

it('tables past their first places, sources past one block, and one moved to JavaScript half way', () => {
  const budget = memoryBudget(1 << 30);
  // 30,000 distinct rows: past the first 16,384 entries (the columns move up to their reserved
  // places) and several 8,192-row blocks, one source with its keys out of row order.
  const a = view(manyRows(30_000, 1)),
    b = view(manyRows(30_000, 2).slice(0, 20_000), { reversed: true }),
    c = view(manyRows(40_000, 3).slice(0, 9_000));
  let state = newResidentTable(budget)!;
  state = mergeResident(state, [a], budget)!;
  state = mergeResident(state, [b, c], budget)!;
  const js = inJavaScript([a, b, c]);
  expect(snapshot(state)).toEqual(snapshot(js.state()));
  expect(state.size).toBeGreaterThan(30_000);
  // Moved out, the table takes more rows in JavaScript and is still the same table.
  const moved = residentToJavaScript(state, budget);
  const d = view(manyRows(5_000, 4));
  moved.mergeFrom(d);
  js.mergeFrom(d);
  expect(moved.state().home).toBeUndefined();
  expect(snapshot(moved.state())).toEqual(snapshot(js.state()));
});

it('a resident table is charged as a JavaScript table of the same rows, and a budget it passes names the rows', () => {
  const sources = [view(manyRows(40_000, 5)), view(manyRows(9_000, 6), { reversed: true })];
  const budget = memoryBudget(1 << 30),
    jsBudget = memoryBudget(1 << 30);
  const state = mergeResident(newResidentTable(budget)!, sources, budget)!;
  const js = new DigestTable(16384, { shared: true, budget: jsBudget });
  for (const v of sources) js.mergeFrom(v);
  // The same rooms, grown at the same rows: slots, columns and key bytes.
  expect(Atomics.load(budget.used, 0)).toBe(Atomics.load(jsBudget.used, 0));
  expect(DigestTable.attach(state).bytes).toBe(js.bytes);
  const small = memoryBudget(4 << 20);
  expect(() => mergeResident(newResidentTable(small)!, sources, small)).toThrow(/memory limit .* at [1-9][\d,]* rows/);
});

it('runtable-wasm.ts was built from the committed runtable.c, rows.h and contract.h', () => {
  const hash = createHash('sha256');
  for (const f of ['runtable.c', 'rows.h', 'contract.h'])
    hash.update(readFileSync(new URL(`../src/format/wasm/${f}`, import.meta.url)));
  expect(hash.digest('hex'), 'run npm run build:wasm after editing runtable.c, rows.h or contract.h').toBe(
    RUN_TABLE_WASM_SOURCE,
  );
});

it('a run whose later objects carry packets-lost fields moves its resident tables to JavaScript and digests as the reference does', async () => {
  // Transit Gateway objects under one key: the first without packets-lost fields (its rows go to
  // resident tables), the others with them (the tables move to JavaScript's columns, which carry
  // them). Several objects per worker, one and two workers.
  const order = [
    'version',
    'tgw-id',
    'srcaddr',
    'dstaddr',
    'srcport',
    'dstport',
    'protocol',
    'packets',
    'bytes',
    'log-status',
  ];
  const withLost = [...order, 'packets-lost-no-route', 'packets-lost-ttl-expired'];
  const record = (fields: readonly string[], i: number) =>
    fields
      .map((f) => {
        if (f === 'version') return '6';
        if (f === 'tgw-id') return `tgw-${i % 3}`;
        if (f === 'srcaddr') return `10.0.${(i >> 8) & 255}.${i & 255}`;
        if (f === 'dstaddr') return `10.1.0.${i % 7}`;
        if (f === 'srcport') return String(40000 + (i % 11));
        if (f === 'dstport') return '443';
        if (f === 'protocol') return '6';
        if (f === 'log-status') return 'OK';
        if (f.startsWith('packets-lost')) return String(i % 4);
        return String(1 + (i % 5));
      })
      .join(' ');
  const object = (fields: readonly string[], from: number, n: number) =>
    [fields.join(' '), ...Array.from({ length: n }, (_, i) => record(fields, from + i))].map((l) => `${l}\n`).join('');
  const texts = [
    object(order, 0, 3000),
    object(withLost, 1000, 3000),
    object(order, 2000, 2000),
    object(withLost, 0, 500),
  ];
  const expected = referenceDigest(texts.map((text, i) => ({ name: `o${i}`, text }))).text;
  for (const threads of [1, 2]) {
    const d = await digestInputs([memory(...texts)], { threads });
    expect(d.lost.length).toBe(2);
    expect(digestToString(d)).toBe(expected);
  }
});
