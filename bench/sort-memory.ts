/**
 * The kernel memory of a run table's sort and layout (`WasmKernel.order` + `layOut`), and their
 * CPU time. The table is one worker's run of a real fixture: every *.log.gz under `--dir`
 * scanned into one table, then the entries of one hash half (`--parts 2`, as two workers split
 * them). A fresh kernel then sorts and lays it out; its memory is read before and after.
 *
 *   npm run build && node --import tsx bench/sort-memory.ts --dir fixtures/generated/<fixture> [--parts 2] [--rounds 5] [--batch N]
 *
 * Without `--dir`, bench/lib/tables.ts's synthetic table of `--rows` entries (bench/kernel.ts's).
 */
import { parseArgs } from 'node:util';
import { canonicalOrder } from '../dist/digest/order.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { COL, INT_STRIDE } from '../dist/table/contract.js';
import { DigestTable } from '../dist/table/table.js';
import { scanDir, syntheticTable } from './lib/tables.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    rows: { type: 'string', default: '459000' },
    parts: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    // the least entries of a sort batch (0: the kernel's default)
    batch: { type: 'string', default: '0' },
    // one kernel for every round (its memory already touched, as a worker's is after its scans)
    warm: { type: 'boolean', default: false },
  },
});
const parts = Number(values.parts),
  rounds = Number(values.rounds);

/** The entries of `all` whose hash falls in part 0 of `parts`, in a shared table (as a run's). */
function part(all: DigestTable): DigestTable {
  const t = new DigestTable(1 << 16, { shared: true });
  const ints = all.ints;
  for (let e = 0; e < all.size; e++) {
    const b = e * INT_STRIDE;
    if ((ints[b + COL.I_HASH] >>> 0) % parts !== 0) continue;
    t.mergeEntry(all, e);
  }
  return t;
}

const table = part(values.dir ? scanDir(values.dir) : syntheticTable(Number(values.rows)));
const n = table.size;
let keyBytes = 0;
for (let e = 0; e < n; e++) keyBytes += table.ints[e * INT_STRIDE + COL.I_KEYLEN];
const expect = canonicalOrder(table);
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const cpu = (f: () => unknown) => {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
};
const sortMs: number[] = [],
  layMs: number[] = [];
let report = '';
const kept = WasmKernel.load();
for (let r = 0; r < rounds; r++) {
  const kernel = values.warm ? kept : WasmKernel.load();
  if (!kernel) throw new Error('no kernel here (FLOWDIGEST_NO_WASM=1?)');
  if (Number(values.batch) > 0) kernel.setSortBatch(Number(values.batch));
  const t = new DigestTable(16, { shared: true });
  t.mergeFrom(table);
  const before = kernel.memoryBytes;
  let order: Int32Array | null = null;
  sortMs.push(cpu(() => (order = kernel.order(t))));
  if (order === null) throw new Error('the kernel could not sort');
  const got: Int32Array = order;
  const afterSort = kernel.memoryBytes;
  if (got.length !== expect.length || got.some((v, i) => v !== expect[i])) throw new Error('order differs');
  let laid = false;
  layMs.push(cpu(() => (laid = kernel.layOut(t))));
  if (!laid) throw new Error('the kernel could not lay out');
  const after = kernel.memoryBytes;
  if (r === 0)
    report =
      `${n.toLocaleString('en-US')} entries, ${(keyBytes / n).toFixed(1)} key bytes each: kernel memory ` +
      `${mb(before)} fresh, ${mb(afterSort)} after order(), ${mb(after)} after layOut(): ` +
      `${((after - before) / n).toFixed(0)} bytes an entry over a fresh kernel`;
}
const fmt = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return `best ${s[0].toFixed(0)} ms, median ${s[s.length >> 1].toFixed(0)} ms, worst ${s[s.length - 1].toFixed(0)} ms`;
};
console.log(report);
console.log(`order(): ${fmt(sortMs)}; layOut(): ${fmt(layMs)}`);
