/**
 * Micro-benchmarks of each hot-path stage on the same 8 MB of decompressed flow logs, reported as
 * MB/s; the digest stages (order, merge, format, partial) run both on that digest and on a
 * high-cardinality one (scanner traffic, about 40% as many rows as records), reported as rows/s.
 * Run: `npm run bench:micro` (add `-- --size 4MB` for a quicker pass).
 */
import { Readable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { gunzipSync, createGunzip, gzipSync } from 'node:zlib';
import split2 from 'split2';
import { Bench } from 'tinybench';
import { DigestTable } from '../dist/table/table.js';
import { canonicalOrder } from '../dist/digest/order.js';
import { RunCursor, splitRanges, type RowSink } from '../dist/digest/runs.js';
import { RowWriter } from '../dist/digest/format.js';
import { decodePartial, partialChunks } from '../dist/digest/partial.js';
import { Scanner } from '../dist/format/scanner.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { SeparatorIndex } from '../dist/format/separators.js';
import { Digest, emptyStats } from '../dist/digest/digest.js';
import { benchFixture, parseSizeArg } from './lib/fixture.js';

const size = parseSizeArg(process.argv.slice(2), '--size', 8e6);
const fx = await benchFixture(100e6, 4);
const all = gunzipSync(await readFile(fx.files[0]), { chunkSize: 1 << 20 });
const text = all.subarray(0, all.lastIndexOf(10, size) + 1);
const gz = gzipSync(text);
const CHUNK = 256 * 1024;

const kernel = WasmKernel.load();

function scan(buf: Uint8Array, table = new DigestTable(4096), useKernel = false): DigestTable {
  const s = new Scanner(table, {
    key: 'bench',
    strict: false,
    maxSamples: 0,
    filter: {},
    kernel: useKernel ? kernel : null,
  });
  for (let o = 0; o < buf.length; o += CHUNK) s.push(buf.subarray(o, Math.min(buf.length, o + CHUNK)));
  s.end();
  return table;
}
const half = text.lastIndexOf(10, text.length >> 1) + 1;
const partA = scan(text.subarray(0, half)),
  partB = scan(text.subarray(half));
const full = new Digest(scan(text), { ...emptyStats(), packetsSeen: true, bytesSeen: true });

// The hard case for every stage after the scan: as many lines, 40% as many rows as records.
const hfx = await benchFixture(100e6, 4, 1, 3000, { scanners: 0.45, scanSpace: 320000 });
const hall = gunzipSync(await readFile(hfx.files[0]), { chunkSize: 1 << 20 });
const htext = hall.subarray(0, hall.lastIndexOf(10, size) + 1);
const hhalf = htext.lastIndexOf(10, htext.length >> 1) + 1;
const seen = { packetsSeen: true, bytesSeen: true };
const cases = [
  { name: 'low', a: partA, b: partB, whole: full.table },
  {
    name: 'high',
    a: scan(htext.subarray(0, hhalf), undefined, true),
    b: scan(htext.subarray(hhalf), undefined, true),
    whole: scan(htext, undefined, true),
  },
];
const rowsOf = new Map<string, number>();
const index = new SeparatorIndex(CHUNK);

async function gunzipStream(chunkSize: number): Promise<number> {
  let n = 0;
  const g = createGunzip({ chunkSize });
  g.end(gz);
  for await (const c of g) n += (c as Buffer).length;
  return n;
}

const bench = new Bench({ time: 1500, warmup: true });
bench
  .add('gunzip, stream, 256 KiB chunks', () => gunzipStream(256 * 1024))
  .add('gunzip, stream, 16 KiB chunks', () => gunzipStream(16 * 1024))
  .add(
    'line split: split2 (strings)',
    () =>
      new Promise<void>((resolve, reject) => {
        let _n = 0;
        Readable.from([text])
          .pipe(split2())
          .on('data', () => {
            _n++;
          })
          .on('end', () => resolve())
          .on('error', reject);
      }),
  )
  .add('line split: Buffer#indexOf loop', () => {
    let n = 0;
    for (let p = 0; ; ) {
      const nl = text.indexOf(10, p);
      if (nl < 0) break;
      n++;
      p = nl + 1;
    }
    return n;
  })
  .add('separator index (SWAR)', () => {
    let n = 0;
    for (let o = 0; o < text.length; o += CHUNK) {
      index.build(text, o, Math.min(text.length, o + CHUNK));
      n += index.spaceCount;
    }
    return n;
  })
  .add('parse + aggregate, JavaScript scanner', () => scan(text))
  .add('parse + aggregate, WebAssembly kernel (what workers run)', () => scan(text, new DigestTable(4096), true))
  .add('merge two partial tables (hash)', () => {
    const t = new DigestTable(4096);
    t.mergeFrom(partA);
    t.mergeFrom(partB);
  });

for (const c of cases) {
  const runs = [
    { table: c.a, order: canonicalOrder(c.a) },
    { table: c.b, order: canonicalOrder(c.b) },
  ];
  const [range] = splitRanges(runs, 1);
  const oldOrder = (t: DigestTable) => comparatorOrder(t);
  const digest = new Digest(c.whole, { ...emptyStats(), ...seen });
  const partial = Buffer.concat([...partialChunks(digest)]);
  const count: RowSink = () => {};
  const wholeOrder = canonicalOrder(c.whole),
    ids = identityOf(c.whole.size);
  rowsOf.set(c.name, c.whole.size);
  bench
    .add(`${c.name}: canonical order, radix of field ranks (what workers run)`, () => canonicalOrder(c.whole))
    .add(`${c.name}: canonical order, JavaScript comparator over latin1 keys (before)`, () => oldOrder(c.whole))
    .add(`${c.name}: merge two sorted runs, comparing keys`, () => {
      const r = new RunCursor(runs, { from: range.from, to: range.to });
      while (r.next(count));
    })
    .add(`${c.name}: format text (bytes, on a worker per range)`, () => {
      const w = new RowWriter('text', seen, 1 << 20);
      const r = new RunCursor([{ table: c.whole, order: wholeOrder }], { from: [0], to: [c.whole.size] });
      while (r.next(w.row)) if (w.length > 1 << 22) w.take();
    })
    .add(`${c.name}: format NDJSON (bytes)`, () => {
      const w = new RowWriter('ndjson', seen, 1 << 20);
      const r = new RunCursor([{ table: c.whole, order: ids }], { from: [0], to: [c.whole.size] });
      while (r.next(w.row)) if (w.length > 1 << 22) w.take();
    })
    .add(`${c.name}: binary partial, encode + decode`, () => {
      decodePartial(Buffer.concat([...partialChunks(digest)]), 'bench');
      return partial.length;
    });
}

// The order as it was computed before (commit ee52202): latin1 strings, one comparator call per pair.
function comparatorOrder(t: DigestTable): Int32Array {
  const n = t.size,
    ints = t.ints;
  const heads: string[] = new Array(n),
    actions: string[] = new Array(n);
  for (let e = 0; e < n; e++) {
    const k = Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset + ints[e * 6], ints[e * 6 + 1]).toString('latin1'),
      cut = k.lastIndexOf('\0');
    heads[e] = k.slice(0, cut);
    actions[e] = k.slice(cut + 1);
  }
  return identityOf(n).sort((x, y) => {
    const hx = heads[x],
      hy = heads[y];
    if (hx !== hy) return hx < hy ? -1 : 1;
    for (let col = 3; col <= 5; col++) {
      const d = ints[x * 6 + col] - ints[y * 6 + col];
      if (d !== 0) return d;
    }
    return actions[x] < actions[y] ? -1 : actions[x] > actions[y] ? 1 : 0;
  });
}

function identityOf(n: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

await bench.run();
const mb = text.length / 1e6;
console.log(
  `\nMicro-benchmarks on ${mb.toFixed(1)} MB of flow-log text: low ${rowsOf.get('low')} rows, high ${rowsOf.get('high')} rows; Node ${process.version}\n`,
);
console.log('| stage | mean ms | MB/s of input | M rows/s |');
console.log('|---|---:|---:|---:|');
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== 'completed') {
    console.log(`| ${task.name} | ${r.state} | | |`);
    continue;
  }
  const rows = rowsOf.get(task.name.split(':')[0]);
  const rps = rows === undefined ? '' : (rows / (r.latency.mean / 1000) / 1e6).toFixed(2);
  console.log(
    `| ${task.name} | ${r.latency.mean.toFixed(2)} | ${(mb / (r.latency.mean / 1000)).toFixed(0)} | ${rps} |`,
  );
}

// Start-up: what `import 'flowdigest'` (and each subpath) costs a fresh process, against an
// import of nothing (node's own start-up is outside both). Target for the main entry: 60 ms.
const { execFileSync } = await import('node:child_process');
const { fileURLToPath } = await import('node:url');
function importMs(entry: string | null): number {
  const target = entry === null ? 'node:os' : fileURLToPath(new URL(`../dist/${entry}`, import.meta.url));
  const code = `const t=performance.now();import(${JSON.stringify(target)}).then(()=>process.stdout.write(String(performance.now()-t)))`;
  return Number(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' }));
}
const RUNS = 9;
console.log(`\nImport cost in a fresh process (${RUNS} runs each; min / median / max ms):\n`);
console.log('| entry | min | median | max |');
console.log('|---|---:|---:|---:|');
for (const [name, entry] of [
  ['(a built-in module: the floor)', null],
  ['flowdigest', 'index.js'],
  ['flowdigest/graph', 'graph/index.js'],
  ['flowdigest/service', 'service/index.js'],
  ['flowdigest/audit', 'audit/index.js'],
  ['flowdigest/collect', 'collect/index.js'],
  ['flowdigest/cluster', 'cluster/index.js'],
] as const) {
  const ms = Array.from({ length: RUNS }, () => importMs(entry)).sort((a, b) => a - b);
  console.log(`| ${name} | ${ms[0].toFixed(0)} | ${ms[RUNS >> 1].toFixed(0)} | ${ms[RUNS - 1].toFixed(0)} |`);
}
