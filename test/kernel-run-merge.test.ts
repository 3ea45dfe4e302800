// The kernel's run-table merge (WasmKernel.mergeInto) leaves a run table exactly as
// DigestTable.mergeFrom of each source in turn leaves it: size, slots, columns and key bytes (the
// columns' room is its own: adopt sizes them to the rows, upsert doubles), from tables as small
// as a table gets, with hashes drawn
// from a handful of values (every probe a collision), keys long enough to grow the key bytes,
// sums near the 2^52 carry, absent times, several merges into one table, and a kernel whose
// memory cannot hold the merge (it then merges in JavaScript, the same table).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { DEFAULT_LAYOUT } from '../dist/format/layout.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { DigestTable, INT_STRIDE, memoryBudget, NUM_STRIDE, type TableView } from '../dist/table/table.js';
import { rowArb, valueArb, view } from './support/table-rows.js';

const kernel = WasmKernel.load()!;

function snapshot(t: DigestTable) {
  const s = t.state();
  // Room for what it holds, whatever growth gave it.
  expect(s.ints.length).toBeGreaterThanOrEqual(s.size * INT_STRIDE);
  expect(s.nums.length).toBe((s.ints.length / INT_STRIDE) * NUM_STRIDE);
  expect(s.keyBytes.length).toBeGreaterThanOrEqual(s.keyUsed);
  expect(s.ints.length).toBeLessThanOrEqual(((s.mask + 1) >> 1) * INT_STRIDE);
  return {
    size: s.size,
    keyUsed: s.keyUsed,
    mask: s.mask,
    slotCount: s.slots.length,
    slots: Array.from(s.slots),
    ints: Array.from(s.ints.subarray(0, s.size * INT_STRIDE)),
    nums: Array.from(s.nums.subarray(0, s.size * NUM_STRIDE)),
    keys: Buffer.from(s.keyBytes.subarray(0, s.keyUsed)).toString('hex'),
  };
}

const tasksArb = fc.array(fc.array(fc.array(rowArb, { maxLength: 40 }), { minLength: 1, maxLength: 3 }), {
  minLength: 1,
  maxLength: 4,
});

it('merges into a run table as mergeFrom does, slot for slot', () => {
  fc.assert(
    fc.property(tasksArb, fc.boolean(), (tasks, shared) => {
      const memory = shared ? { shared: true, budget: memoryBudget(1 << 30) } : {};
      const want = new DigestTable(1, memory),
        got = new DigestTable(1, memory);
      for (const task of tasks) {
        const sources = task.map((rows) => view(rows));
        for (const v of sources) want.mergeFrom(v);
        expect(kernel.mergeInto(got, sources)).toBe(true);
        expect(snapshot(got)).toEqual(snapshot(want));
      }
    }),
    { numRuns: 150 },
  );
});

it('a run table merged into by the kernel and by JavaScript in turn stays the same table, and charges its budget', () => {
  fc.assert(
    fc.property(tasksArb, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), (tasks, inKernel) => {
      const budget = memoryBudget(1 << 30);
      const want = new DigestTable(1),
        got = new DigestTable(1, { shared: true, budget });
      tasks.forEach((task, i) => {
        const sources = task.map((rows) => view(rows));
        for (const v of sources) want.mergeFrom(v);
        // JavaScript upserts grow the adopted (tight) columns; the kernel merges after them.
        if (inKernel[i]) expect(kernel.mergeInto(got, sources)).toBe(true);
        else for (const v of sources) got.mergeFrom(v);
        expect(snapshot(got)).toEqual(snapshot(want));
        // The budget holds exactly the table's arrays (what grew, less what they replaced).
        expect(budget.used[0]).toBeGreaterThanOrEqual(Math.floor(got.bytes / 1024));
        expect(budget.used[0]).toBeLessThanOrEqual(Math.ceil(got.bytes / 1024) + 32);
      });
    }),
    { numRuns: 150 },
  );
});

it('rows in the kernel memory (its scan table) merge the same, and the run table stays usable in JavaScript', () => {
  const text = Array.from(
    { length: 300 },
    (_, i) => `2 1 eni-a 10.0.${i % 7}.1 10.0.0.${i % 5} ${i % 3} 443 6 1 40 1 2 ACCEPT OK`,
  ).join('\n');
  const start = new DigestTable(1);
  start.mergeFrom(view([{ key: [97], hash: 1, ports: [1, 2, 3], values: [1, 0, 1, 0, 1, 2, 1] }]));
  const got = new DigestTable(1),
    want = new DigestTable(1);
  got.mergeFrom(start);
  want.mergeFrom(start);
  expect(kernel.start(DEFAULT_LAYOUT, 0, 0, false)).toBe(true);
  kernel.scan(Buffer.from(`${text}\n`), 0, text.length + 1);
  const rows = kernel.table();
  expect(rows.size).toBeGreaterThan(1);
  want.mergeFrom(rows);
  expect(kernel.mergeInto(got, [kernel.table()])).toBe(true);
  expect(snapshot(got)).toEqual(snapshot(want));
  // Afterwards JavaScript upserts into the adopted arrays.
  const more = view([{ key: [98, 0, 98], hash: 7, ports: [-1, -1, -1], values: [2, 0, 2, 0, 3, 4, 1] }]);
  got.mergeFrom(more);
  want.mergeFrom(more);
  expect(snapshot(got)).toEqual(snapshot(want));
});

it('merges in JavaScript, to the same table, when the kernel memory cannot hold the merge', () => {
  const small = WasmKernel.load({ memoryLimit: 1 << 20 })!;
  fc.assert(
    fc.property(tasksArb, (tasks) => {
      const want = new DigestTable(1),
        got = new DigestTable(1);
      const big = view(
        Array.from({ length: 3000 }, (_, i) => ({
          key: Array.from({ length: 300 }, (_, j) => (i + j) & 255),
          hash: i,
          ports: [i, 1, 6] as [number, number, number],
          values: [1, 0, 1, 0, 1, 2, 1],
        })),
      );
      want.mergeFrom(big);
      expect(small.mergeInto(got, [big])).toBe(false);
      for (const task of tasks) {
        const sources = task.map((rows) => view(rows));
        for (const v of sources) want.mergeFrom(v);
        small.mergeInto(got, sources);
      }
      expect(snapshot(got)).toEqual(snapshot(want));
    }),
    { numRuns: 20 },
  );
});

it('two run tables merged in turn through one kernel stay their own: no row of one reaches the other', () => {
  // The kernel copies in no Float64 row of an entry the table held: it starts each it merges into
  // from empty, and the table adds that sum to its own. Its memory still holds the other table's
  // rows (and sums) from the merge before; none may leak, touched or not, with or without a rehash
  // (tables started large take new entries without one: only the new slots come back).
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(1), fc.array(fc.array(rowArb, { maxLength: 40 }), { minLength: 1, maxLength: 3 })), {
        minLength: 2,
        maxLength: 8,
      }),
      fc.constantFrom(1, 64, 1024),
      fc.constantFrom(1, 64, 1024),
      (tasks, capA, capB) => {
        const memory = { shared: true, budget: memoryBudget(1 << 30) };
        const want = [new DigestTable(capA), new DigestTable(capB)],
          got = [new DigestTable(capA, memory), new DigestTable(capB, memory)];
        for (const [which, task] of tasks) {
          const sources = task.map((rows) => view(rows));
          for (const v of sources) want[which].mergeFrom(v);
          expect(kernel.mergeInto(got[which], sources)).toBe(true);
          expect(snapshot(got[which])).toEqual(snapshot(want[which]));
          expect(snapshot(got[1 - which])).toEqual(snapshot(want[1 - which]));
        }
      },
    ),
    { numRuns: 150 },
  );
});

it("a partition block moved within the kernel's memory merges as the same rows copied would", () => {
  // mergeInto moves one source laid out as the merge lays sources out (a block of partition_rows)
  // inside the kernel instead of copying it out and back; the other sources, before or after it,
  // are copied in around it. Scanned objects of varied rows and parts, into tables started small.
  const lineArb = fc.record({
    src: fc.integer({ min: 0, max: 40 }),
    dst: fc.integer({ min: 0, max: 9 }),
    port: fc.constantFrom(22, 443, 8080),
    bytes: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.constant(2 ** 52 - 1)),
  });
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.array(lineArb, { minLength: 1, maxLength: 120 }),
          fc.integer({ min: 1, max: 4 }),
          fc.array(rowArb, { maxLength: 20 }),
          fc.boolean(),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      (objects) => {
        const memory = { shared: true, budget: memoryBudget(1 << 30) };
        const want = new DigestTable(1, memory),
          got = new DigestTable(1, memory);
        for (const [lines, parts, extra, extraFirst] of objects) {
          const text = lines
            .map((l) => `2 1 eni-a 10.0.0.${l.src} 10.1.0.${l.dst} 4${l.src} ${l.port} 6 1 ${l.bytes} 1 2 ACCEPT OK`)
            .join('\n');
          expect(kernel.start(DEFAULT_LAYOUT, 0, 0, false)).toBe(true);
          kernel.scan(Buffer.from(`${text}\n`), 0, text.length + 1);
          const blocks = kernel.partition(parts)!;
          const own = blocks[lines.length % parts].view;
          const other = view(extra);
          const sources = extraFirst ? [other, own] : [own, other];
          for (const v of sources) want.mergeFrom(v);
          expect(kernel.mergeInto(got, sources)).toBe(true);
          expect(snapshot(got)).toEqual(snapshot(want));
        }
      },
    ),
    { numRuns: 100 },
  );
});

/** Rows of conversations `ids` (key bytes from the id; hashes `id % mod`, so a small mod collides). */
function idRows(ids: readonly number[], mod: number, values: (i: number) => number[]): TableView {
  return view(
    ids.map((id, i) => ({
      key: [id & 255, (id >> 8) & 255, (id >> 16) & 255],
      hash: id % mod,
      ports: [id & 7, 80, 6] as [number, number, number],
      values: values(i),
    })),
  );
}

it('rows merged into many entries a table holds, and into new ones, add up as mergeFrom adds them', () => {
  // The kernel keeps a row only for each entry merged into or made, as many as the rows merged at
  // most: tables from empty to a few hundred entries (started at one slot, so merges rehash
  // midway), rows that mostly meet entries the table holds (often several rows on one entry, or
  // every row a different entry: the rows' room exactly filled), hashes that all collide or none.
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 600 }),
      fc.constantFrom(1, 3, 2 ** 31 - 1),
      fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 900 }), valueArb), { maxLength: 120 }), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.boolean(),
      (held, mod, tasks, distinct) => {
        const memory = { shared: true, budget: memoryBudget(1 << 30) };
        const want = new DigestTable(1, memory),
          got = new DigestTable(1, memory);
        const first = idRows(
          Array.from({ length: held }, (_, i) => i),
          mod,
          (i) => [i, 0, 2 * i, 0, i % 9, (i % 9) + 1, 1],
        );
        want.mergeFrom(first);
        got.mergeFrom(first);
        for (const task of tasks) {
          let rows = task;
          if (distinct) rows = [...new Map(task.map((r) => [r[0], r])).values()];
          const half = rows.length >> 1;
          const sources = [
            idRows(
              rows.slice(0, half).map((r) => r[0]),
              mod,
              (i) => rows[i][1],
            ),
            idRows(
              rows.slice(half).map((r) => r[0]),
              mod,
              (i) => rows[half + i][1],
            ),
          ];
          for (const v of sources) want.mergeFrom(v);
          expect(kernel.mergeInto(got, sources)).toBe(true);
          expect(snapshot(got)).toEqual(snapshot(want));
        }
      },
    ),
    { numRuns: 150 },
  );
});

it('merging a few rows into a large table takes kernel memory for the rows merged, not a Float64 row per entry', () => {
  // 200 k entries, 2000 rows (half on entries held, half new), into a fresh kernel (its memory
  // keeps its high-water mark). The merge needs the table's slots, Int32 columns and key bytes
  // (its probes read them), and room per row merged; a Float64 row per entry (56 bytes, 11 MB
  // here) or a second set of slots for a rehash that cannot happen would pass the bound.
  const n = 200_000,
    m = 2_000;
  const run = new DigestTable(1, { shared: true, budget: memoryBudget(1 << 30) });
  const want = new DigestTable(1);
  const first = idRows(
    Array.from({ length: n }, (_, i) => i),
    2 ** 31 - 1,
    (i) => [i, 0, i, 0, 1, 2, 1],
  );
  run.mergeFrom(first);
  want.mergeFrom(first);
  const more = idRows(
    Array.from({ length: m }, (_, i) => (i % 2 === 0 ? i * 97 : n + i)),
    2 ** 31 - 1,
    () => [3, 0, 5, 0, 0, 9, 2],
  );
  want.mergeFrom(more);
  const fresh = WasmKernel.load()!;
  const before = fresh.memoryBytes;
  const st = run.state();
  expect(fresh.mergeInto(run, [more])).toBe(true);
  expect(snapshot(run)).toEqual(snapshot(want));
  const perRow = NUM_STRIDE * 8 + INT_STRIDE * 4 + 3 + 16; // a source row, its key and the lists
  const bound =
    (st.mask + 1) * 4 + // the slots
    (n + m) * (INT_STRIDE * 4 + 3) + // the Int32 columns and key bytes, held and new
    n * 4 + // which entries held were merged into
    m * (perRow + NUM_STRIDE * 8) + // the rows merged, and one row each merged into or made
    (1 << 20); // alignment and page rounding
  expect(fresh.memoryBytes - before).toBeLessThanOrEqual(bound);
});

it('several sources merged at once take kernel memory for the largest, not for all of them', () => {
  // Four hand-offs of 40 k rows on 1000 conversations: each is copied in just before it merges,
  // into one room. Room for all four at once (13 MB here) would pass the bound.
  const sources = [0, 1, 2, 3].map((s) =>
    idRows(
      Array.from({ length: 40_000 }, (_, i) => (i * 7 + s) % 1000),
      2 ** 31 - 1,
      (i) => [i, 0, s, 0, i % 9, 9, 1],
    ),
  );
  const run = new DigestTable(1, { shared: true, budget: memoryBudget(1 << 30) });
  const want = new DigestTable(1);
  for (const v of sources) want.mergeFrom(v);
  const fresh = WasmKernel.load()!;
  const before = fresh.memoryBytes;
  expect(fresh.mergeInto(run, sources)).toBe(true);
  expect(snapshot(run)).toEqual(snapshot(want));
  const rows = 4 * 40_000;
  let slots = 2;
  while (rows * 2 > slots - 1) slots *= 2; // room for every row new, and a rehash
  const source = 40_000 * (NUM_STRIDE * 8 + INT_STRIDE * 4) + 40_000 * 3;
  const bound =
    2 * slots * 4 + // the slots, twice (a rehash)
    rows * (INT_STRIDE * 4 + 3) + // room for every row a new entry
    rows * (NUM_STRIDE * 8 + 8) + // a row and the lists' room per row merged
    source + // one source
    (1 << 20); // alignment and page rounding
  expect(fresh.memoryBytes - before).toBeLessThanOrEqual(bound);
});
