/**
 * Sorted runs and their merge. A run is a table with its entries in canonical order (each worker
 * sorts its own). The runs are cut into ranges at splitters sampled from their keys, so that each
 * range can be merged (and formatted) by one worker, and the ranges concatenated in order are the
 * digest. Equal keys always fall in the same range: every run is cut at the same key.
 */
import { compareEntries } from './order.js';
import { COL, NUM_STRIDE, TWO52, type TableView } from './table.js';

/** A table and its entries in canonical order. */
export interface SortedRun {
  table: TableView;
  order: Int32Array;
}

/** One range of the output: positions `[from[i], to[i])` of run i's order. */
export interface RunRange {
  from: number[];
  to: number[];
}

/** Samples taken per range when choosing splitters: more give more even ranges. */
const SAMPLES_PER_RANGE = 16;

/** Cut `runs` into at most `ranges` ranges of about equal rows (fewer when keys repeat). */
export function splitRanges(runs: readonly SortedRun[], ranges: number): RunRange[] {
  const sizes = runs.map((r) => r.order.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (ranges <= 1 || total === 0) return [{ from: sizes.map(() => 0), to: sizes }];
  const samples: Array<[number, number]> = [];
  const want = ranges * SAMPLES_PER_RANGE;
  runs.forEach((r, t) => {
    const s = Math.min(sizes[t], Math.max(1, Math.round((want * sizes[t]) / total)));
    for (let i = 0; i < s; i++) samples.push([t, r.order[Math.floor(((i + 0.5) * sizes[t]) / s)]]);
  });
  const cmp = (x: [number, number], y: [number, number]) => compareEntries(runs[x[0]].table, x[1], runs[y[0]].table, y[1]);
  samples.sort(cmp);
  const splitters: Array<[number, number]> = [];
  for (let j = 1; j < ranges; j++) {
    const s = samples[Math.floor((j * samples.length) / ranges)];
    if (splitters.length === 0 || cmp(splitters[splitters.length - 1], s) < 0) splitters.push(s);
  }
  // cuts[t][j]: the first position of run t whose key is not below splitter j.
  const cuts = runs.map((r, t) => splitters.map(([st, se]) => {
    let lo = 0, hi = sizes[t];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(r.table, r.order[mid], runs[st].table, se) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }));
  const out: RunRange[] = [];
  for (let j = 0; j <= splitters.length; j++) {
    out.push({
      from: runs.map((_, t) => (j === 0 ? 0 : cuts[t][j - 1])),
      to: runs.map((_, t) => (j === splitters.length ? sizes[t] : cuts[t][j])),
    });
  }
  return out;
}

/**
 * Receives one merged row: its key is entry `e` of `key`, its values `nums[n, n + NUM_STRIDE)`
 * (the entry's own, or the sums over every run that holds the key). Valid only during the call.
 */
export type RowSink = (key: TableView, e: number, nums: Float64Array, n: number) => void;

/** Walks one range of sorted runs in canonical order, combining equal keys across runs. */
export class RunCursor {
  private readonly pos: number[];
  private readonly ties: number[] = [];
  private readonly acc = new Float64Array(NUM_STRIDE);

  constructor(private readonly runs: readonly SortedRun[], private readonly range: RunRange) {
    this.pos = [...range.from];
  }

  /** Send the next merged row to `sink`; false when the range is done. */
  next(sink: RowSink): boolean {
    const runs = this.runs, pos = this.pos, to = this.range.to, ties = this.ties;
    let m = -1;
    ties.length = 0;
    for (let t = 0; t < runs.length; t++) {
      if (pos[t] >= to[t]) continue;
      if (m < 0) { m = t; continue; }
      const c = compareEntries(runs[t].table, runs[t].order[pos[t]], runs[m].table, runs[m].order[pos[m]]);
      if (c < 0) { m = t; ties.length = 0; } else if (c === 0) ties.push(t);
    }
    if (m < 0) return false;
    const mt = runs[m].table, me = runs[m].order[pos[m]++];
    if (ties.length === 0) {
      sink(mt, me, mt.nums, me * NUM_STRIDE);
      return true;
    }
    const acc = this.acc;
    acc.set(mt.nums.subarray(me * NUM_STRIDE, (me + 1) * NUM_STRIDE));
    for (const t of ties) {
      const e = runs[t].order[pos[t]++];
      addAggregate(acc, runs[t].table.nums, e * NUM_STRIDE);
    }
    sink(mt, me, acc, 0);
    return true;
  }
}

/** Add the aggregate at `src[s, s + NUM_STRIDE)` into `acc` (two-word sums, min start, max end, records). */
export function addAggregate(acc: Float64Array, src: Float64Array, s: number): void {
  let lo = acc[COL.N_PKTLO] + src[s + COL.N_PKTLO], hi = acc[COL.N_PKTHI] + src[s + COL.N_PKTHI];
  if (lo >= TWO52) { hi += 1; lo -= TWO52; }
  acc[COL.N_PKTLO] = lo; acc[COL.N_PKTHI] = hi;
  lo = acc[COL.N_BYTELO] + src[s + COL.N_BYTELO]; hi = acc[COL.N_BYTEHI] + src[s + COL.N_BYTEHI];
  if (lo >= TWO52) { hi += 1; lo -= TWO52; }
  acc[COL.N_BYTELO] = lo; acc[COL.N_BYTEHI] = hi;
  if (src[s + COL.N_START] < acc[COL.N_START]) acc[COL.N_START] = src[s + COL.N_START];
  if (src[s + COL.N_END] > acc[COL.N_END]) acc[COL.N_END] = src[s + COL.N_END];
  acc[COL.N_RECORDS] += src[s + COL.N_RECORDS];
}

/** Rows in one range (the merge without output). */
export function countRange(runs: readonly SortedRun[], range: RunRange): number {
  const cursor = new RunCursor(runs, range);
  let n = 0;
  const sink: RowSink = () => { n++; };
  while (cursor.next(sink)) { /* counted by the sink */ }
  return n;
}
