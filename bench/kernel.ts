/**
 * The kernel's per-row steps against their JavaScript counterparts, in one process, alternating
 * rounds: the canonical sort of a run table (`WasmKernel.order` against `canonicalOrder`), laying
 * it out in order, and counting and rendering its ranges as text (`countRange` + `render` against
 * `RunCursor` + `RowWriter`).
 *
 *   npm run build && node --import tsx bench/kernel.ts [--rows N] [--rounds N]
 *
 * The table is synthetic but shaped like a high-cardinality digest: a few accounts, a few
 * hundred interfaces, many addresses (3% IPv6), random ports. CPU time per step, best and median.
 */
import { parseArgs } from 'node:util';
import { canonicalOrder, identity } from '../dist/digest/order.js';
import { RowWriter } from '../dist/digest/format.js';
import { RunCursor, type SortedRun, splitRanges } from '../dist/digest/runs.js';
import { COL, INT_STRIDE } from '../dist/table/contract.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { DigestTable, layOutInOrder } from '../dist/table/table.js';
import { scanDir, syntheticTable } from './lib/tables.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '430000' },
    rounds: { type: 'string', default: '5' },
    dir: { type: 'string' },
  },
});
const rows = Number(values.rows),
  rounds = Number(values.rounds);

const table = values.dir ? scanDir(values.dir) : syntheticTable(rows);
const kernel = WasmKernel.load();
if (!kernel) throw new Error('no kernel here (FLOWDIGEST_NO_WASM=1?)');

const same = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
if (!same(kernel.order(table)!, canonicalOrder(table))) throw new Error('kernel order differs from canonicalOrder');

const time = (f: () => unknown) => {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
};
const js: number[] = [],
  wasm: number[] = [];
for (let r = 0; r < rounds; r++) {
  js.push(time(() => canonicalOrder(table)));
  wasm.push(time(() => kernel.order(table)));
}
const fmt = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return `best ${s[0].toFixed(0)} ms, median ${s[s.length >> 1].toFixed(0)} ms`;
};
console.log(`sort ${table.size.toLocaleString('en-US')} entries: JavaScript ${fmt(js)}; kernel ${fmt(wasm)}`);

{
  const js: number[] = [],
    wasm: number[] = [];
  const order = canonicalOrder(table);
  for (let r = 0; r < rounds; r++) {
    const a = new DigestTable(16);
    a.mergeFrom(table);
    js.push(time(() => layOutInOrder(a, order)));
    const b = new DigestTable(16);
    b.mergeFrom(table);
    kernel.order(b);
    wasm.push(time(() => kernel.layOut(b)));
  }
  console.log(
    `lay ${table.size.toLocaleString('en-US')} entries out in order: JavaScript ${fmt(js)}; kernel ${fmt(wasm)}`,
  );
}

{
  // The range merge and the text render: the table's entries split in two runs (by hash parity,
  // as two partitions), each sorted and laid out, then every range of 32768 rows counted and
  // rendered as the engine does (count, then render replaying the script), against
  // RunCursor + RowWriter.
  const runs: SortedRun[] = [0, 1].map((part) => {
    const t = new DigestTable(1 << 16);
    const ints = table.ints;
    for (let e = 0; e < table.size; e++) {
      const b = e * INT_STRIDE;
      if ((ints[b + COL.I_HASH] & 1) !== part) continue;
      t.mergeEntry(table, e);
    }
    layOutInOrder(t, canonicalOrder(t));
    return { table: t, order: identity(t.size) };
  });
  const ranges = splitRanges(runs, Math.ceil(table.size / 32768));
  const seen = { packetsSeen: true, bytesSeen: true };
  const js: number[] = [],
    wasm: number[] = [];
  for (let r = 0; r < rounds; r++) {
    js.push(
      time(() => {
        for (const range of ranges) {
          const w = new RowWriter('text', seen);
          const cursor = new RunCursor(runs, range);
          while (cursor.next(w.row)) {
            /* written */
          }
          w.take();
        }
      }),
    );
    wasm.push(
      time(() => {
        for (const range of ranges) {
          const kr = {
            tables: runs.map((x) => x.table),
            first: range.from,
            count: range.to.map((x, i) => x - range.from[i]),
          };
          const counted = kernel.countRange(kr);
          if (counted === null || kernel.render('text', kr, seen, counted.script) === null)
            throw new Error('the kernel left a range to JavaScript');
        }
      }),
    );
  }
  console.log(
    `count and render ${table.size.toLocaleString('en-US')} rows as text in ${ranges.length} ranges of 2 runs: ` +
      `JavaScript ${fmt(js)}; kernel ${fmt(wasm)}`,
  );
}
