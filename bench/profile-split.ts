/**
 * Where a digest's time goes, per thread: runs `flowdigest digest DIR -w 2` under
 * `node --cpu-prof` (one profile per thread: main and each worker) and sorts each profile's
 * samples into scan, inflate, sort, layout, merge, format, table, hand-off, start-up, GC, idle and
 * other, by the function and file each sample is in. Kernel (WebAssembly) samples go by the
 * kernel function's name (the module keeps its name section): `sort_entries` is sort,
 * `sort_layout` layout, `merge_count` merge, `render_*` format, `run_merge` and `rt_merge` table (the merge into
 * the run tables, with the wrapper's copies in and out), `partition_rows` hand-off, the rest scan.
 *
 *   npm run build && node --import tsx bench/profile-split.ts DIR [--cli dist/cli/main.js] [--workers 2]
 *
 * `--cli` may name another build's CLI (a `git worktree` of an older commit, built) for a before
 * and after. Profiles sample wall time: on a loaded machine a thread that waits for a core is
 * charged to what it was doing, so compare shares within one run, not seconds across runs.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI } from './lib/fixture.js';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { cli: { type: 'string' }, workers: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node --import tsx bench/profile-split.ts DIR [--cli PATH] [--workers 2]');
  process.exit(2);
}
const cli = resolve(values.cli ?? CLI);
const dir = await mkdtemp(join(tmpdir(), 'flowdigest-prof-'));
const out = join(dir, 'digest.log');
const t0 = performance.now();
const run = spawnSync(
  process.execPath,
  ['--cpu-prof', '--cpu-prof-dir', dir, cli, 'digest', positionals[0], '-w', values.workers ?? '2', '-q', '-o', out],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
const wall = (performance.now() - t0) / 1000;
if (run.status !== 0) throw new Error(`digest failed (exit ${run.status})`);

/**
 * The kernel's functions by step (the module keeps its name section, so `--cpu-prof` names them):
 * a sample in the kernel is charged to the step its function does, not all to "scan".
 */
const KERNEL_STEP: Array<[RegExp, string]> = [
  [/^(sort_entries|sort_prepare|prefix_ranks|prefix_less|compare_from|sort_group|encode_keys|rank_prefixes)/, 'sort'],
  [/^(sort_layout|lay_prepare|lay_)/, 'layout'],
  [/^(merge_count|merge_next|merge_prepare|compare_merge|add_values|range_next)/, 'merge'],
  [/^(render_|put_)/, 'format'],
  [/^(run_|grow_run|rt_)/, 'table'],
  [/^partition_rows/, 'hand-off'],
];
/** JavaScript of the kernel's wrapper (format/wasm-kernel.js) by method: copies in and out. */
const WRAPPER_STEP: Record<string, string> = {
  order: 'sort',
  layOut: 'layout',
  loadRange: 'merge',
  countRange: 'merge',
  render: 'format',
  renderText: 'format',
  renderNdjson: 'format',
  partition: 'hand-off',
  mergeInto: 'table',
};

/** The category of a sample, from its function name and script. */
function category(fn: string, url: string): string {
  if (fn === '(idle)' || fn === 'atomicsWaitLoop') return 'idle';
  if (fn === '(garbage collector)') return 'GC';
  if (url.startsWith('wasm://')) {
    const name = fn.replace(/^\$/, '');
    for (const [re, step] of KERNEL_STEP) if (re.test(name)) return step;
    return 'scan';
  }
  if (/wasm-kernel\.js/.test(url) && WRAPPER_STEP[fn] !== undefined) return WRAPPER_STEP[fn];
  if (url.includes('/wasm/') || /wasm-kernel\.js|scanner\.js|separators\.js|fields\.js|layout\.js/.test(url))
    return 'scan';
  if (/inflate-sync|gunzip/.test(url) || /^(inflateSync|writeSync|processChunkSync|zlibBufferSync)$/.test(fn))
    return 'inflate';
  if (/order\.js/.test(url) || fn === 'sortRun') return 'sort';
  if (/runs\.js/.test(url) || fn === 'countRange') return 'merge';
  if (/format\.js|write\.js|partial\.js/.test(url) || fn === 'renderRange') return 'format';
  if (/table\.js|collector\.js|counters\.js/.test(url)) return 'table';
  if (fn === 'postMessage' || /structured|serialize/i.test(fn)) return 'hand-off';
  if (/compile|Module|loader|realm|resolve|pre_execution|esm\//.test(fn + url) || url.includes('cjs/'))
    return 'start-up';
  return 'other';
}

const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
/** Per thread: when its profile started and ended, and its last sample in a scan task (µs, one clock for all threads). */
const timeline: Array<{ start: number; end: number; lastScan: number }> = [];
const ORDER = [
  'scan',
  'inflate',
  'sort',
  'layout',
  'merge',
  'format',
  'table',
  'hand-off',
  'start-up',
  'GC',
  'idle',
  'other',
];
console.log(`${cli} digest ${positionals[0]} -w ${values.workers ?? '2'}: ${wall.toFixed(2)} s wall (profiled)\n`);
console.log(`| thread | sampled s | ${ORDER.join(' | ')} |`);
console.log(`|---|---:|${ORDER.map(() => '---:').join('|')}|`);
for (const [i, f] of files.entries()) {
  const p = JSON.parse(await readFile(join(dir, f), 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  // A scan is a sample under the worker's scan task (the kernel also sorts, merges and formats).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const scanning = new Map<number, boolean>();
  const underScan = (id: number): boolean => {
    let known = scanning.get(id);
    if (known === undefined) {
      const up = parent.get(id);
      known = byId.get(id)!.functionName === 'scanObject' || (up !== undefined && underScan(up));
      scanning.set(id, known);
    }
    return known;
  };
  const sums = new Map<string, number>();
  let total = 0;
  let at = p.startTime;
  let lastScan = 0;
  p.samples.forEach((id, k) => {
    const cf = byId.get(id)!;
    const dt = p.timeDeltas[k] ?? 0;
    at += dt;
    total += dt;
    // A sample can stop at the JS-to-WebAssembly wrapper (the profiler did not walk into the
    // kernel's frame): it belongs to the kernel call the wrapper's caller made.
    const up = parent.get(id);
    const c =
      /JSToWasm/.test(cf.functionName) && up !== undefined
        ? category(byId.get(up)!.functionName, byId.get(up)!.url)
        : category(cf.functionName, cf.url);
    if (underScan(id)) lastScan = at;
    sums.set(c, (sums.get(c) ?? 0) + dt);
  });
  timeline.push({ start: p.startTime, end: p.endTime, lastScan });
  const s = (c: string) => ((sums.get(c) ?? 0) / 1e6).toFixed(2);
  console.log(`| ${i === 0 ? 'main' : `worker ${i}`} | ${(total / 1e6).toFixed(2)} | ${ORDER.map(s).join(' | ')} |`);
}
// The tail: how far apart the workers' last scans ended, and how long the run went on after the last.
const workers = timeline.slice(1).filter((t) => t.lastScan > 0);
if (workers.length >= 2) {
  const ends = workers.map((t) => t.lastScan);
  const ms = (us: number) => (us / 1000).toFixed(0);
  const t0 = timeline[0].start;
  console.log(
    `\nlast scans ended at ${ends.map((e) => `${ms(e - t0)} ms`).join(', ')} (main thread's clock): ` +
      `${ms(Math.max(...ends) - Math.min(...ends))} ms apart; main thread ended ${ms(timeline[0].end - Math.max(...ends))} ms after the last`,
  );
}
await rm(dir, { recursive: true, force: true });
