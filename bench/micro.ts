/**
 * Micro-benchmarks of each hot-path stage on the same 8 MB of decompressed flow logs, reported as
 * MB/s. Run: `npm run bench:micro` (add `-- --size 4MB` for a quicker pass).
 */
import { Readable } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { gunzipSync, createGunzip, gzipSync } from 'node:zlib';
import split2 from 'split2';
import { Bench } from 'tinybench';
import { DigestTable, packTable, unpackTable } from '../dist/digest/table.js';
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
  const s = new Scanner(table, { key: 'bench', strict: false, maxSamples: 0, filter: {}, kernel: useKernel ? kernel : null });
  for (let o = 0; o < buf.length; o += CHUNK) s.push(buf.subarray(o, Math.min(buf.length, o + CHUNK)));
  s.end();
  return table;
}
const half = text.lastIndexOf(10, text.length >> 1) + 1;
const partA = scan(text.subarray(0, half)), partB = scan(text.subarray(half));
const full = new Digest(scan(text), { ...emptyStats(), packetsSeen: true, bytesSeen: true });
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
  .add('line split: split2 (strings)', () => new Promise<void>((resolve, reject) => {
    let n = 0;
    Readable.from([text]).pipe(split2()).on('data', () => { n++; }).on('end', () => resolve()).on('error', reject);
  }))
  .add('line split: Buffer#indexOf loop', () => {
    let n = 0;
    for (let p = 0; ;) { const nl = text.indexOf(10, p); if (nl < 0) break; n++; p = nl + 1; }
    return n;
  })
  .add('separator index (SWAR)', () => {
    let n = 0;
    for (let o = 0; o < text.length; o += CHUNK) { index.build(text, o, Math.min(text.length, o + CHUNK)); n += index.spaceCount; }
    return n;
  })
  .add('parse + aggregate, JavaScript scanner', () => scan(text))
  .add('parse + aggregate, WebAssembly kernel (what workers run)', () => scan(text, new DigestTable(4096), true))
  .add('merge two partial tables', () => { const t = new DigestTable(4096); t.mergeFrom(partA); t.mergeFrom(partB); })
  .add('pack + unpack partial (thread hand-off)', () => unpackTable(packTable(partA, new Uint8Array(64))))
  .add('serialise text', () => { let n = 0; for (const c of full.textChunks()) n += c.length; return n; })
  .add('serialise NDJSON', () => { let n = 0; for (const l of full.ndjsonLines()) n += l.length; return n; });

await bench.run();
const mb = text.length / 1e6;
console.log(`\nMicro-benchmarks on ${mb.toFixed(1)} MB of flow-log text (${full.size} rows), Node ${process.version}\n`);
console.log('| stage | mean ms | MB/s of input |');
console.log('|---|---:|---:|');
for (const task of bench.tasks) {
  const r = task.result;
  if (r.state !== 'completed') { console.log(`| ${task.name} | ${r.state} | |`); continue; }
  console.log(`| ${task.name} | ${r.latency.mean.toFixed(2)} | ${(mb / (r.latency.mean / 1000)).toFixed(0)} |`);
}
