/**
 * Sorted runs and their merge. A run is a table with its entries in canonical order (each worker
 * sorts its own). The runs are cut into ranges at splitters sampled from their keys, so that each
 * range can be merged (and formatted) by one worker, and the ranges concatenated in order are the
 * digest. Equal keys always fall in the same range: every run is cut at the same key.
 */
import { compareBytes, compareEntries } from './order.js';
import { addLostValues, addValues, COL, INT_STRIDE, LOST_STRIDE, NUM_STRIDE, type TableView } from '../table/table.js';

/** A table and its entries in canonical order. */
export interface SortedRun {
  table: TableView;
  order: Int32Array;
  /**
   * The table is laid out in its order (the engine's sort task leaves a shared table so): order
   * is 0..n-1 and each entry's key bytes follow the previous entry's.
   */
  laidOut?: boolean;
}

/** One range of the output: positions `[from[i], to[i])` of run i's order. */
export interface RunRange {
  from: number[];
  to: number[];
  /** Once merged: the merge's script (for more than one run), so later passes replay it. */
  script?: MergeScript;
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
  const cmp = (x: [number, number], y: [number, number]) =>
    compareEntries(runs[x[0]].table, x[1], runs[y[0]].table, y[1]);
  samples.sort(cmp);
  const splitters: Array<[number, number]> = [];
  for (let j = 1; j < ranges; j++) {
    const s = samples[Math.floor((j * samples.length) / ranges)];
    if (splitters.length === 0 || cmp(splitters[splitters.length - 1], s) < 0) splitters.push(s);
  }
  // cuts[t][j]: the first position of run t whose key is not below splitter j.
  const cuts = runs.map((r, t) =>
    splitters.map(([st, se]) => {
      let lo = 0,
        hi = sizes[t];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareEntries(r.table, r.order[mid], runs[st].table, se) < 0) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }),
  );
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
 * (the entry's own, or the sums over every run that holds the key), and, when the runs have a
 * side column of lost packets, its sums `lost[l, l + LOST_STRIDE)` (else `lost` is null or
 * absent). Valid only during the call.
 */
export type RowSink = (
  key: TableView,
  e: number,
  nums: Float64Array,
  n: number,
  lost?: Float64Array | null,
  l?: number,
) => void;

/**
 * Which runs each merged row of a range came from: one bit per run (at most 32 runs). Replaying
 * it merges the range again without comparing a single key.
 */
export type MergeScript = Uint8Array | Uint16Array | Uint32Array;

/** Runs a merge script can describe. */
export const MAX_SCRIPT_RUNS = 32;

/**
 * Walks one range of sorted runs in canonical order, combining equal keys across runs. When the
 * range carries a {@link MergeScript} it replays that merge; otherwise it compares keys, and
 * records the script.
 */
export class RunCursor {
  private readonly pos: number[];
  private readonly ties: number[] = [];
  private readonly acc = new Float64Array(NUM_STRIDE);
  /** The lost-packet sums of a merged row, when any run has that column; else null. */
  private readonly lostAcc: Float64Array | null;
  private readonly tables: TableView[];
  private readonly orders: Int32Array[];
  private readonly views: DataView[];
  private readonly recorded: MergeScript | null = null;
  private row = 0;

  private readonly replay: MergeScript | undefined;

  constructor(
    runs: readonly SortedRun[],
    private readonly range: RunRange,
  ) {
    this.pos = [...range.from];
    this.lostAcc = runs.some((r) => r.table.lost) ? new Float64Array(LOST_STRIDE) : null;
    this.replay = range.script;
    this.tables = runs.map((r) => r.table);
    this.orders = runs.map((r) => r.order);
    this.views = runs.map(
      (r) => new DataView(r.table.keyBytes.buffer, r.table.keyBytes.byteOffset, r.table.keyBytes.byteLength),
    );
    if (this.replay === undefined && runs.length > 1 && runs.length <= MAX_SCRIPT_RUNS) {
      const most = this.entries;
      this.recorded =
        runs.length <= 8 ? new Uint8Array(most) : runs.length <= 16 ? new Uint16Array(most) : new Uint32Array(most);
    }
  }

  /** Entries in the range over every run: the most rows it can merge into. */
  get entries(): number {
    return this.range.to.reduce((n, to, t) => n + to - this.range.from[t], 0);
  }

  /** The script of the merge so far (after the last row: of the whole range). Null for one run, or replays. */
  script(): MergeScript | null {
    return this.recorded === null ? null : this.recorded.slice(0, this.row);
  }

  /** Send the next merged row to `sink`; false when the range is done. */
  next(sink: RowSink): boolean {
    if (this.tables.length === 1) {
      // One run holds no key twice: its rows are its entries.
      if (this.pos[0] >= this.range.to[0]) return false;
      const t = this.tables[0],
        e = this.orders[0][this.pos[0]++];
      sink(t, e, t.nums, e * NUM_STRIDE, t.lost, e * LOST_STRIDE);
      return true;
    }
    if (this.replay !== undefined) return this.replayNext(sink);
    const tables = this.tables,
      orders = this.orders,
      pos = this.pos,
      to = this.range.to,
      ties = this.ties;
    let m = -1;
    ties.length = 0;
    for (let t = 0; t < tables.length; t++) {
      if (pos[t] >= to[t]) continue;
      if (m < 0) {
        m = t;
        continue;
      }
      const c = this.compare(t, orders[t][pos[t]], m, orders[m][pos[m]]);
      if (c < 0) {
        m = t;
        ties.length = 0;
      } else if (c === 0) ties.push(t);
    }
    if (m < 0) return false;
    const mt = tables[m],
      me = orders[m][pos[m]++];
    let mask = 1 << m;
    if (ties.length === 0) {
      this.single(sink, mt, me);
    } else {
      const acc = this.acc;
      acc.set(mt.nums.subarray(me * NUM_STRIDE, (me + 1) * NUM_STRIDE));
      this.startLost(mt, me);
      for (const t of ties) {
        const e = orders[t][pos[t]++];
        addValues(acc, 0, tables[t].nums, e * NUM_STRIDE);
        this.addLost(tables[t], e);
        mask |= 1 << t;
      }
      sink(mt, me, acc, 0, this.lostAcc, 0);
    }
    if (this.recorded !== null) this.recorded[this.row] = mask;
    this.row++;
    return true;
  }

  private replayNext(sink: RowSink): boolean {
    const script = this.replay!;
    if (this.row >= script.length) return false;
    let mask = script[this.row];
    this.row++;
    const m = 31 - Math.clz32(mask & -mask);
    const mt = this.tables[m],
      me = this.orders[m][this.pos[m]++];
    mask &= mask - 1;
    if (mask === 0) {
      this.single(sink, mt, me);
      return true;
    }
    const acc = this.acc;
    acc.set(mt.nums.subarray(me * NUM_STRIDE, (me + 1) * NUM_STRIDE));
    this.startLost(mt, me);
    while (mask !== 0) {
      const t = 31 - Math.clz32(mask & -mask);
      mask &= mask - 1;
      const e = this.orders[t][this.pos[t]++];
      addValues(acc, 0, this.tables[t].nums, e * NUM_STRIDE);
      this.addLost(this.tables[t], e);
    }
    sink(mt, me, acc, 0, this.lostAcc, 0);
    return true;
  }

  /** Send entry `e` of `t` as it is (with zero lost packets when other runs have that column and `t` lacks it). */
  private single(sink: RowSink, t: TableView, e: number): void {
    if (this.lostAcc === null || t.lost) sink(t, e, t.nums, e * NUM_STRIDE, t.lost, e * LOST_STRIDE);
    else sink(t, e, t.nums, e * NUM_STRIDE, this.lostAcc.fill(0), 0);
  }

  private startLost(t: TableView, e: number): void {
    const acc = this.lostAcc;
    if (acc === null) return;
    if (t.lost) acc.set(t.lost.subarray(e * LOST_STRIDE, (e + 1) * LOST_STRIDE));
    else acc.fill(0);
  }

  private addLost(t: TableView, e: number): void {
    if (this.lostAcc !== null && t.lost) addLostValues(this.lostAcc, 0, t.lost, e * LOST_STRIDE);
  }

  /** {@link compareEntries} for entries of two of this cursor's runs, comparing four bytes at a time. */
  private compare(ta: number, ea: number, tb: number, eb: number): number {
    const a = this.tables[ta],
      b = this.tables[tb];
    const ia = ea * INT_STRIDE,
      ib = eb * INT_STRIDE,
      ka = a.keyBytes,
      kb = b.keyBytes;
    const oa = a.ints[ia + I_KEYOFF],
      la = a.ints[ia + I_KEYLEN];
    const ob = b.ints[ib + I_KEYOFF],
      lb = b.ints[ib + I_KEYLEN];
    const va = this.views[ta],
      vb = this.views[tb];
    const n = Math.min(la, lb);
    let i = 0;
    while (i + 4 <= n && va.getUint32(oa + i) === vb.getUint32(ob + i)) i += 4;
    while (i < n && ka[oa + i] === kb[ob + i]) i++;
    // The heads end at each key's last NUL; the first difference decides if it lies in both.
    let ha = la - 1,
      hb = lb - 1;
    while (ha >= 0 && ka[oa + ha] !== 0) ha--;
    while (hb >= 0 && kb[ob + hb] !== 0) hb--;
    if (ha < 0) ha = la;
    if (hb < 0) hb = lb;
    if (i < ha && i < hb) return ka[oa + i] - kb[ob + i];
    if (ha !== hb) return ha - hb;
    for (let c = I_SPORT; c <= I_PROTO; c++) {
      const d = a.ints[ia + c] - b.ints[ib + c];
      if (d !== 0) return d;
    }
    return compareBytes(ka, oa + ha + 1, oa + la, kb, ob + hb + 1, ob + lb);
  }
}

const { I_KEYOFF, I_KEYLEN, I_SPORT, I_PROTO } = COL;

/** Merge one range without output: its rows, and the script that replays the merge (null for one run). */
export function countRange(runs: readonly SortedRun[], range: RunRange): { rows: number; script: MergeScript | null } {
  const cursor = new RunCursor(runs, range);
  let rows = 0;
  const sink: RowSink = () => {
    rows++;
  };
  while (cursor.next(sink)) {
    /* counted by the sink */
  }
  return { rows, script: cursor.script() };
}
