/**
 * The kernel's scan step alone, on a fixture's objects: inflated once, then each object scanned
 * by `WasmKernel` (start, scan in 256 KiB windows, the lines it leaves, such as a header,
 * skipped) and its table split for the hand-off (`partition_rows`, 2 parts), one kernel per
 * build for all objects, as a worker does. With `--base` (another build's dist/, e.g. a
 * `git worktree` of an older commit, built) the two builds alternate, round by round. CPU time
 * of the process (`process.cpuUsage`) per round, all rounds sorted; rows are the tables' rows summed.
 *
 *   npm run build && node --import tsx bench/kernel-scan.ts DIR [--base OTHER/dist] [--objects 4] [--rounds 5]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { baseDist } from './lib/base-dist.js';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    base: { type: 'string' },
    objects: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '5' },
  },
});
if (positionals.length !== 1) {
  console.error('usage: node --import tsx bench/kernel-scan.ts DIR [--base OTHER/dist] [--objects 4] [--rounds 5]');
  process.exit(2);
}

interface Kernel {
  start(layout: unknown, ws: number, we: number, windowed: boolean): boolean;
  scan(buf: Uint8Array, s: number, e: number, from?: number): number;
  table(): { size: number };
  memoryBytes: number;
  partition(parts: number): unknown;
}
interface Build {
  name: string;
  kernel: Kernel;
  layout: unknown;
  partition: () => void;
}

async function load(name: string, dist: string): Promise<Build> {
  const { WasmKernel } = await import(join(dist, 'format/wasm-kernel.js'));
  const { DEFAULT_LAYOUT } = await import(join(dist, 'format/layout.js'));
  const kernel = WasmKernel.load() as Kernel | null;
  if (kernel === null) throw new Error(`${dist}: the kernel does not load here`);
  // The exports: partition_rows alone, without the wrapper's copies out.
  const x = (kernel as unknown as { x: { partition_rows(parts: number): number } }).x;
  return { name, kernel, layout: DEFAULT_LAYOUT, partition: () => x.partition_rows(2) };
}

// This build: the dist/ beside this script (so it runs from any folder, as bench/kernel-perf.ts runs it).
const builds = [await load('this build', fileURLToPath(new URL('../dist', import.meta.url)))];
if (values.base) builds.push(await load(`base ${values.base}`, baseDist(values.base)));

const files: string[] = [];
const walk = (p: string) => {
  for (const f of readdirSync(p).sort()) {
    const q = join(p, f);
    if (statSync(q).isDirectory()) walk(q);
    else if (q.endsWith('.gz')) files.push(q);
  }
};
walk(positionals[0]);
const objects = files.slice(0, Number(values.objects)).map((f) => new Uint8Array(gunzipSync(readFileSync(f))));
const WINDOW = 262144;

function round(b: Build): { scan: number; partition: number; rows: number } {
  let scan = 0,
    partition = 0,
    rows = 0;
  for (const bytes of objects) {
    let t = process.cpuUsage();
    if (!b.kernel.start(b.layout, 0, 0, false)) throw new Error('the kernel could not start an object');
    for (let s = 0; s < bytes.length; ) {
      let e = Math.min(bytes.length, s + WINDOW);
      if (e < bytes.length) e = bytes.lastIndexOf(10, e - 1) + 1;
      for (let from = s; from < e; ) {
        const r = b.kernel.scan(bytes, s, e, from);
        if (r >= e) break;
        from = bytes.indexOf(10, r) + 1; // a line the JavaScript scanner would take
        if (from === 0) break;
      }
      s = e;
    }
    let u = process.cpuUsage(t);
    scan += (u.user + u.system) / 1000;
    rows += b.kernel.table().size;
    t = process.cpuUsage();
    b.partition();
    u = process.cpuUsage(t);
    partition += (u.user + u.system) / 1000;
  }
  return { scan, partition, rows };
}

const rounds = Number(values.rounds);
const res = new Map<string, Array<ReturnType<typeof round>>>(builds.map((b) => [b.name, []]));
for (let i = 0; i < rounds; i++)
  for (const b of i % 2 ? [...builds].reverse() : builds) res.get(b.name)!.push(round(b));
const ms = (xs: number[]) =>
  xs
    .sort((a, b) => a - b)
    .map((x) => x.toFixed(0))
    .join(' ');
for (const b of builds) {
  const r = res.get(b.name)!;
  console.log(
    `${b.name}: ${objects.length} objects, ${r[0].rows} rows; scan CPU ms ${ms(r.map((x) => x.scan))}; ` +
      `partition_rows ms ${ms(r.map((x) => x.partition))}; kernel memory ${(b.kernel.memoryBytes / 2 ** 20).toFixed(1)} MiB`,
  );
}
