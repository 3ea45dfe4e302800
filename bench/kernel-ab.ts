/**
 * The finish's kernel steps of two builds, on one table, in one process, alternating rounds: the
 * canonical sort (`WasmKernel.order`), laying the sorted table out (`layOut`), and rendering its
 * ranges as text (`render`, merging as it writes, as the engine renders a digest too large to
 * count first), its entries split in two partitions (by `partitionOf`, as two workers' tables),
 * each sorted and laid out, so that a range merges two runs. Each build's kernel is loaded from its
 * own dist/; the table is a fixture's objects scanned into one table (as `--dir` in
 * bench/kernel.ts), so the keys are a real population's. The two sorts must give one order.
 *
 *   npm run build && node --import tsx bench/kernel-ab.ts DIR --base OTHER/dist [--steps order,layout,render] [--rounds 11]
 *
 * `--base` is a built checkout's dist/ (a `git worktree` of the old commit): a dist/ copied out of
 * one is refused (bench/lib/base-dist.ts says why). Prints, per step, each build's median CPU
 * milliseconds and this build's over the base's.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { SortedRun } from '../dist/digest/runs.js';
import type { WasmKernel } from '../dist/format/wasm-kernel.js';
import type { TableView } from '../dist/table/table.js';
import { COL, INT_STRIDE } from '../dist/table/contract.js';
import { baseDist } from './lib/base-dist.js';
import { DIST } from './lib/fixture.js';
import { scanDir } from './lib/tables.js';

const USAGE =
  'usage: node --import tsx bench/kernel-ab.ts DIR --base OTHER/dist [--steps order,layout,render] [--rounds 11]';
const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: {
    base: { type: 'string' },
    steps: { type: 'string', default: 'order,layout,render' },
    rounds: { type: 'string', default: '11' },
  },
});
const rounds = Number(values.rounds);
const steps = new Set(values.steps.split(','));
if (positionals.length !== 1 || values.base === undefined || !Number.isInteger(rounds) || rounds < 1) {
  console.error(USAGE);
  process.exit(2);
}
for (const s of steps) {
  if (!['order', 'layout', 'render'].includes(s)) {
    console.error(`unknown step '${s}' (order, layout, render)\n${USAGE}`);
    process.exit(2);
  }
}

/** One build: its kernel, and the table and range helpers of the same dist/. */
interface Build {
  name: string;
  kernel: WasmKernel;
  lib: {
    DigestTable: typeof import('../dist/table/table.js').DigestTable;
    partitionOf: typeof import('../dist/table/table.js').partitionOf;
    identity: typeof import('../dist/digest/order.js').identity;
    splitRanges: typeof import('../dist/digest/runs.js').splitRanges;
  };
}

async function load(name: string, dist: string): Promise<Build> {
  const at = (p: string) => import(pathToFileURL(resolve(dist, p)).href);
  const { WasmKernel: Kernel } = (await at('format/wasm-kernel.js')) as typeof import('../dist/format/wasm-kernel.js');
  const kernel = Kernel.load();
  if (kernel === null) throw new Error(`${dist}: no kernel here (FLOWDIGEST_NO_WASM=1?)`);
  const { DigestTable, partitionOf } = (await at('table/table.js')) as typeof import('../dist/table/table.js');
  const { identity } = (await at('digest/order.js')) as typeof import('../dist/digest/order.js');
  const { splitRanges } = (await at('digest/runs.js')) as typeof import('../dist/digest/runs.js');
  return { name, kernel, lib: { DigestTable, partitionOf, identity, splitRanges } };
}

const cpuMs = (f: () => unknown): number => {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
};

/** A copy of `table` sorted and laid out by `b`, and the milliseconds the layout took. */
function laidOut(b: Build, table: TableView): { run: SortedRun; ms: number } {
  const t = new b.lib.DigestTable(16);
  t.mergeFrom(table);
  b.kernel.order(t);
  const ms = cpuMs(() => b.kernel.layOut(t));
  return { run: { table: t, order: b.lib.identity(t.size) }, ms };
}

/** `table`'s entries in two partitions, each sorted and laid out by `b`. */
function twoRuns(b: Build, table: TableView): SortedRun[] {
  return [0, 1].map((part) => {
    const t = new b.lib.DigestTable(1 << 16);
    for (let e = 0; e < table.size; e++)
      if (b.lib.partitionOf(table.ints[e * INT_STRIDE + COL.I_HASH], 2) === part) t.mergeEntry(table, e);
    return laidOut(b, t).run;
  });
}

/** Render every range of the sorted runs as text, merging as it writes (the engine, past 32 k rows). */
function renderAll(b: Build, runs: SortedRun[]): void {
  const seen = { packetsSeen: true, bytesSeen: true };
  const rows = runs.reduce((n, r) => n + r.table.size, 0);
  for (const range of b.lib.splitRanges(runs, Math.ceil(rows / 32768))) {
    const kr = {
      tables: runs.map((r) => r.table),
      first: range.from,
      count: range.to.map((x, i) => x - range.from[i]),
    };
    if (b.kernel.render('text', kr, seen) === null) throw new Error(`${b.name}: the kernel left a range to JavaScript`);
  }
}

const table = scanDir(positionals[0]);
const builds = [await load('this build', resolve(DIST, '..')), await load('base', baseDist(values.base))];
const [a, b] = builds.map((x) => x.kernel.order(table));
if (a === null || b === null || a.length !== b.length || a.some((v, i) => v !== b[i]))
  throw new Error('the two builds sort the table differently');

const ms = new Map<string, number[][]>();
const add = (step: string, i: number, v: number) => {
  if (!ms.has(step)) ms.set(step, [[], []]);
  ms.get(step)![i].push(v);
};
for (let r = 0; r < rounds; r++) {
  // Alternating which build goes first, so neither always meets the other's leftovers.
  for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
    const build = builds[i];
    const timed = (step: string, f: () => unknown) => add(step, i, cpuMs(f));
    if (steps.has('order')) timed('order', () => build.kernel.order(table));
    if (steps.has('layout')) add('layout', i, laidOut(build, table).ms);
    if (steps.has('render')) {
      const runs = twoRuns(build, table);
      timed('render', () => renderAll(build, runs));
    }
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
console.log(`${table.size.toLocaleString('en-US')} entries, ${rounds} rounds each, CPU ms (median)`);
for (const [step, [now, base]] of ms) {
  const m = median(now),
    mb = median(base);
  console.log(`${step}: this build ${m.toFixed(1)}, base ${mb.toFixed(1)}, this ÷ base ${(m / mb).toFixed(3)}`);
}
