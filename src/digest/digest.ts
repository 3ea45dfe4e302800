import { addCounters, newCounters, type ScanCounters, type MalformedSample } from '../table/counters.js';
import { PACKETS_LOST_FIELDS, type PacketsLostField, V2_HEADER } from '../format/fields.js';
import type { RowFormat, Seen } from './format.js';
import { isV2Key, keyedHeader, keySlots, type KeySlots, rowWriter, splitSlots } from './keyed-format.js';
import { V2_KEY } from '../format/key.js';
import { FormatError } from '../errors.js';
import { RowCollector } from './collector.js';
import { canonicalOrder } from './order.js';
import { countRange, type RowSink, RunCursor, type RunRange, type SortedRun, splitRanges } from './runs.js';
import { COL, DigestTable, INT_STRIDE, TWO52, type TableView } from '../table/table.js';

/**
 * A row's sums of the Transit Gateway packets-lost-* fields, one per field the digest's inputs
 * held (absent: the inputs' format lacked that field). Exact, like packets.
 */
export interface PacketsLost {
  /** packets-lost-no-route */
  noRoute?: bigint;
  /** packets-lost-blackhole */
  blackhole?: bigint;
  /** packets-lost-mtu-exceeded */
  mtuExceeded?: bigint;
  /** packets-lost-ttl-expired */
  ttlExpired?: bigint;
}

/** The {@link PacketsLost} property of each packets-lost-* field. */
const LOST_PROPERTY: Readonly<Record<PacketsLostField, keyof PacketsLost>> = {
  'packets-lost-no-route': 'noRoute',
  'packets-lost-blackhole': 'blackhole',
  'packets-lost-mtu-exceeded': 'mtuExceeded',
  'packets-lost-ttl-expired': 'ttlExpired',
};

/** One conversation of a digest. Absent values are `null`; they print as `-`. */
export interface DigestRow {
  account: string;
  interfaceId: string;
  srcAddr: string;
  dstAddr: string;
  srcPort: number | null;
  dstPort: number | null;
  protocol: number | null;
  action: string;
  /** Exact sums (may exceed 2^53). */
  packets: bigint;
  bytes: bigint;
  /** Earliest `start` and latest `end` of the merged records (Unix seconds). */
  start: number | null;
  end: number | null;
  /** How many flow records were merged into this row. */
  records: number;
  /**
   * The key's string fields beyond v2's (a digest made with `key`, or Transit Gateway's
   * default), by name, as the logs spell them (`flow-direction`, `tgw-id`, ...). Absent for the
   * v2 key. A v2 field the key lacks (`interfaceId` of a Transit Gateway digest) is `-`.
   */
  fields?: Readonly<Record<string, string>>;
  /**
   * The sums of the packets-lost-* fields, for a digest whose inputs held them (Transit Gateway
   * flow logs; {@link Digest.lost} names which). Absent otherwise.
   */
  lost?: PacketsLost;
}

/** An object that was skipped (with `skipBadObjects`) or pruned, and why. */
export interface SkippedObject {
  key: string;
  reason: string;
}

/** Statistics of a digest run, summed over every object. */
export interface DigestStats extends ScanCounters {
  /** Objects read (files, S3 objects, stdin). */
  objects: number;
  /** Compressed (as stored) bytes of the objects read. */
  storedBytes: number;
  /** Objects that failed and were skipped (only with `skipBadObjects`). */
  skippedObjects: SkippedObject[];
  /** Objects passed over while listing, counted by reason (`not_log_file`, `empty`, `not_selected`, ...). */
  listingSkipped: Record<string, number>;
}

/** Fresh, zeroed statistics. */
export function emptyStats(): DigestStats {
  return { ...newCounters(), objects: 0, storedBytes: 0, skippedObjects: [], listingSkipped: {} };
}

/** How many malformed samples stats keep. */
export const MAX_SAMPLES = 20;

/** Add statistics `b` into `a`. */
export function addStats(a: DigestStats, b: DigestStats): void {
  addCounters(a, b, MAX_SAMPLES);
  a.objects += b.objects;
  a.storedBytes += b.storedBytes;
  for (const [reason, n] of Object.entries(b.listingSkipped))
    a.listingSkipped[reason] = (a.listingSkipped[reason] ?? 0) + n;
  a.skippedObjects = [...a.skippedObjects, ...b.skippedObjects].sort((x, y) =>
    x.key < y.key ? -1 : x.key > y.key ? 1 : 0,
  );
}

/**
 * Formats ranges of sorted runs off the calling thread (the engine's worker pool implements it),
 * so a large digest is written at the speed of every core.
 */
export interface RangeRenderer {
  /** False once the pool behind it is closed: the digest then formats on the calling thread. */
  readonly open: boolean;
  /** How many ranges to format at once. */
  readonly parallelism: number;
  /** The bytes of `range` of `runs` in `format`. */
  render(
    runs: readonly SortedRun[],
    range: RunRange,
    format: RowFormat,
    seen: Seen,
    key?: readonly string[],
    lost?: readonly PacketsLostField[],
  ): Promise<Uint8Array>;
  /**
   * The binary partial's partition of `range` of `runs` (digest/partial.ts), summing the
   * packets-lost-* fields `lost` (none: a partition without them).
   */
  partition(runs: readonly SortedRun[], range: RunRange, lost: readonly PacketsLostField[]): Promise<Uint8Array>;
}

/**
 * A digest: one row per conversation key, plus the statistics of the run that made it.
 *
 * It holds its rows either as one hash table (built by merging or reading) or, as the engine
 * returns it, as sorted runs cut into ranges: one run per worker, merged range by range when the
 * rows are read or written, so no thread ever holds the merged digest twice.
 */
export class Digest {
  readonly stats: DigestStats;
  /**
   * The conversation key's fields, in output order: v2's unless the run asked for another
   * (`key`) or read Transit Gateway logs. A text digest's header names them.
   */
  key: readonly string[] = V2_KEY;
  /**
   * The packets-lost-* fields the digest sums (in {@link PACKETS_LOST_FIELDS} order): those its
   * inputs' formats held (Transit Gateway flow logs, under any key but v2's). Empty otherwise.
   * A text digest writes them after `log-status`, NDJSON before `records`.
   */
  lost: readonly PacketsLostField[] = [];
  private tableRows: DigestTable | null;
  private sorted: Int32Array | null = null;
  private runs: readonly SortedRun[] = [];
  private ranges: readonly RunRange[] = [];
  private runRows = 0;
  private renderer: RangeRenderer | undefined;

  constructor(table: DigestTable = new DigestTable(), stats: DigestStats = emptyStats()) {
    this.tableRows = table;
    this.stats = stats;
  }

  /**
   * @internal A digest over sorted runs and their ranges (as {@link splitRanges} cuts them), holding
   * `rows` merged rows; `renderer` formats ranges in parallel.
   */
  static fromRuns(
    runs: readonly SortedRun[],
    ranges: readonly RunRange[],
    rows: number,
    stats: DigestStats,
    renderer?: RangeRenderer,
    key: readonly string[] = V2_KEY,
  ): Digest {
    const d = new Digest(undefined, stats);
    d.key = key;
    d.tableRows = null;
    d.runs = runs;
    d.ranges = ranges;
    d.runRows = rows;
    d.renderer = renderer;
    return d;
  }

  /** @internal The rows as one hash table (a digest held as sorted runs is folded into one first). */
  get table(): DigestTable {
    if (this.tableRows === null) {
      const t = new DigestTable(this.runRows);
      for (const r of this.runs) t.mergeFrom(r.table);
      this.tableRows = t;
      this.runs = [];
      this.ranges = [];
    }
    return this.tableRows;
  }

  /**
   * @internal Each entry of the tables that hold the rows, unmerged: a row split over several
   * runs comes once per run. For sums (which add up the same either way), not for counting rows.
   */
  forEachEntry(fn: (t: TableView, e: number) => void): void {
    const tables = this.tableRows !== null ? [this.tableRows] : this.runs.map((r) => r.table);
    for (const t of tables) for (let e = 0; e < t.size; e++) fn(t, e);
  }

  /** @internal True when the rows are one hash table (each row one entry): {@link forEachEntry} then walks rows. */
  get isTable(): boolean {
    return this.tableRows !== null;
  }

  /** Number of rows. */
  get size(): number {
    return this.tableRows === null ? this.runRows : this.tableRows.size;
  }

  /** Fold another digest (or a packed partial) into this one. Merging is exact, associative and commutative. */
  mergeFrom(other: Digest | { table: TableView; stats: DigestStats }): this {
    if (other instanceof Digest) this.lost = unionLost(this.lost, other.lost);
    if (other instanceof Digest && other.key.join(' ') !== this.key.join(' ')) {
      // An empty digest takes the other's key; two keys cannot share rows.
      if (this.size === 0 && isV2Key(this.key)) this.key = other.key;
      else if (!(other.size === 0 && isV2Key(other.key)))
        throw new FormatError(
          `cannot merge digests of different keys: '${this.key.join(' ')}' and '${other.key.join(' ')}'`,
          {},
        );
    }
    const table = this.table;
    if (other instanceof Digest && other.tableRows === null) for (const r of other.runs) table.mergeFrom(r.table);
    else table.mergeFrom(other.table);
    addStats(this.stats, other.stats);
    this.sorted = null;
    return this;
  }

  /** A new digest equal to the merge of `digests`. */
  static merge(...digests: Digest[]): Digest {
    const out = new Digest();
    for (const d of digests) out.mergeFrom(d);
    return out;
  }

  /**
   * A new digest equal to the merge of `digests`, merged as sorted runs (no hash table): each
   * digest's runs (a hash-table digest is sorted first) are cut into ranges of about
   * `rangeRows` rows and merged range by range on this thread. The way to merge binary partials,
   * which are sorted already.
   */
  static mergeSorted(digests: readonly Digest[], rangeRows = 32768): Digest {
    const runs: SortedRun[] = [];
    const stats = emptyStats();
    const keyed = new Digest();
    for (const d of digests) keyed.mergeFrom(new Digest(undefined, emptyStats()).withKey(d.key).withLost(d.lost));
    for (const d of digests) {
      if (d.tableRows !== null) runs.push({ table: d.tableRows, order: canonicalOrder(d.tableRows) });
      else runs.push(...d.runs);
      addStats(stats, d.stats);
    }
    const live = runs.filter((r) => r.order.length > 0);
    const total = live.reduce((n, r) => n + r.order.length, 0);
    const ranges = splitRanges(live, Math.ceil(total / rangeRows));
    let rows = 0;
    for (const r of ranges) {
      const merged = countRange(live, r);
      rows += merged.rows;
      if (merged.script !== null) r.script = merged.script;
    }
    return Digest.fromRuns(live, ranges, rows, stats, undefined, keyed.key).withLost(keyed.lost);
  }

  /** @internal This digest, under `key` (an empty one, to carry a key through a merge). */
  withKey(key: readonly string[]): this {
    this.key = key;
    return this;
  }

  /** @internal This digest, summing the packets-lost-* fields `lost` (its rows' tables must carry them, or none). */
  withLost(lost: readonly PacketsLostField[]): this {
    this.lost = unionLost([], lost);
    return this;
  }

  /** Rows in the canonical order (see README: account, interface, srcaddr, dstaddr, ports, protocol, action). */
  *rows(): IterableIterator<DigestRow> {
    let row: DigestRow | null = null;
    const slots = isV2Key(this.key) ? null : keySlots(this.key);
    const lost = this.lost;
    const sink: RowSink = (t, e, nums, n, l, at) => {
      row = slots === null ? toRow(t, e, nums, n) : toKeyedRow(slots, t, e, nums, n);
      if (lost.length > 0) row.lost = lostOf(lost, l ?? null, at ?? 0);
    };
    for (const cursor of this.cursors()) {
      while (cursor.next(sink)) yield row!;
    }
  }

  /** The whole digest as flow-log text (v2 header + rows). For large digests prefer {@link textChunks}. */
  toText(): string {
    return Buffer.concat([...this.byteChunks('text')]).toString('utf8');
  }

  /**
   * The text digest in chunks of about 64 KiB, as latin1 strings (one char per byte, so the
   * original bytes of every field survive): write them with `Buffer.from(chunk, 'latin1')`.
   */
  *textChunks(): IterableIterator<string> {
    for (const c of this.byteChunks('text')) yield Buffer.from(c.buffer, c.byteOffset, c.length).toString('latin1');
  }

  /** NDJSON: one JSON object per row (with `records`), then `{"stats":{...}}` if `withStats`. */
  *ndjsonLines(withStats = true): IterableIterator<string> {
    const writer = rowWriter('ndjson', this.stats, 256, this.key, this.lost);
    for (const cursor of this.cursors()) {
      while (cursor.next(writer.row)) yield Buffer.from(writer.take()).toString('utf8');
    }
    if (withStats) yield this.statsLine();
  }

  /**
   * @internal The digest in `format` as byte chunks of about 64 KiB, formatted on this thread.
   * {@link chunksAsync} formats on the workers when it can.
   */
  *byteChunks(format: RowFormat): IterableIterator<Uint8Array> {
    if (format === 'text') yield this.textHeader();
    const writer = rowWriter(format, this.stats, 1 << 17, this.key, this.lost);
    for (const cursor of this.cursors()) {
      while (cursor.next(writer.row)) if (writer.length >= 65536) yield writer.take();
    }
    if (writer.length > 0) yield writer.take();
    if (format === 'ndjson') yield Buffer.from(this.statsLine(), 'utf8');
  }

  /**
   * @internal The digest in `format` as byte chunks in order; ranges are formatted on the engine's
   * workers (a few ahead of the writer) while its pool is open, else on this thread.
   */
  async *chunksAsync(format: RowFormat): AsyncIterableIterator<Uint8Array> {
    const key = isV2Key(this.key) ? undefined : this.key;
    const away = this.rangesAway((renderer, runs, range) =>
      renderer.render(runs, range, format, this.stats, key, this.lost),
    );
    if (away === null) {
      yield* this.byteChunks(format);
      return;
    }
    if (format === 'text') yield this.textHeader();
    for await (const bytes of away) if (bytes.length > 0) yield bytes;
    if (format === 'ndjson') yield Buffer.from(this.statsLine(), 'utf8');
  }

  /**
   * @internal Each range's bytes in order, as `make` has the engine's workers make them, a few
   * ranges ahead of the reader. Null when the ranges are better made on this thread: no pool or
   * a closed one, rows held as one table, or one tiny range.
   */
  rangesAway(
    make: (renderer: RangeRenderer, runs: readonly SortedRun[], range: RunRange) => Promise<Uint8Array>,
  ): AsyncIterableIterator<Uint8Array> | null {
    const renderer = this.renderer;
    // One range is worth a worker (whose kernel writes rows faster than this thread's writer) unless tiny.
    const few = this.ranges.length === 0 || (this.ranges.length === 1 && this.runRows < RENDER_AWAY_ROWS);
    if (renderer === undefined || !renderer.open || this.tableRows !== null || few) return null;
    return this.aheadOf(renderer, make);
  }

  private async *aheadOf(
    renderer: RangeRenderer,
    make: (renderer: RangeRenderer, runs: readonly SortedRun[], range: RunRange) => Promise<Uint8Array>,
  ): AsyncIterableIterator<Uint8Array> {
    const pending: Array<Promise<Uint8Array>> = [];
    let next = 0;
    const ahead = Math.max(1, renderer.parallelism) + 1;
    const fill = () => {
      while (next < this.ranges.length && pending.length < ahead) {
        const p = make(renderer, this.runs, this.ranges[next++]);
        p.catch(() => {
          /* awaited in order below */
        });
        pending.push(p);
      }
    };
    try {
      fill();
      while (pending.length > 0) {
        const bytes = await pending.shift()!;
        // Refilled before the reader takes these bytes: the workers render on while they are written.
        fill();
        yield bytes;
      }
    } finally {
      await Promise.allSettled(pending);
    }
  }

  private textHeader(): Uint8Array {
    return isV2Key(this.key) ? TEXT_HEADER : Buffer.from(`${keyedHeader(this.key, this.lost)}\n`, 'latin1');
  }

  private statsLine(): string {
    // A keyed digest names its key here too, so an NDJSON digest without rows keeps it.
    const key = isV2Key(this.key) ? {} : { key: this.key };
    // Its packets-lost-* fields too: a digest without rows keeps them.
    const lost = this.lost.length === 0 ? {} : { lost: this.lost };
    return `${JSON.stringify({ stats: { ...this.stats, rows: this.size, ...key, ...lost } })}\n`;
  }

  /** @internal The rows as one table in canonical order (a digest of several runs is merged into one first). */
  onlyRun(): TableView {
    if (this.tableRows === null && this.runs.length === 1 && this.ranges.every((r) => r.from[0] <= r.to[0])) {
      const run = this.runs[0];
      if (run.order.every((e, i) => e === i)) return run.table;
    }
    const out = new RowCollector(this.size);
    for (const cursor of this.cursors())
      while (cursor.next(out.add)) {
        /* collected */
      }
    return out.view();
  }

  /** @internal One cursor per range, in order (a hash table is sorted, then cut every {@link TABLE_RANGE} rows). */
  *cursors(): IterableIterator<RunCursor> {
    if (this.tableRows !== null) {
      const t = this.tableRows;
      if (this.sorted === null || this.sorted.length !== t.size) this.sorted = canonicalOrder(t);
      const run = [{ table: t, order: this.sorted }];
      for (let from = 0; from < t.size; from += TABLE_RANGE)
        yield new RunCursor(run, { from: [from], to: [Math.min(t.size, from + TABLE_RANGE)] });
      return;
    }
    for (const range of this.ranges) yield new RunCursor(this.runs, range);
  }
}

/**
 * A digest of one range and fewer rows is formatted on the calling thread: a worker's round trip
 * would cost more than it saves.
 */
const RENDER_AWAY_ROWS = 2048;

/** Rows per range of a digest held as one table (the partitions of its binary partial). */
const TABLE_RANGE = 65536;

const TEXT_HEADER = Buffer.from(`${V2_HEADER}\n`, 'latin1');

function toRow(t: TableView, e: number, nums: Float64Array, n: number): DigestRow {
  const b = e * INT_STRIDE;
  const off = t.ints[b + COL.I_KEYOFF];
  const key = Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset + off, t.ints[b + COL.I_KEYLEN]).toString('latin1');
  const cut = key.lastIndexOf('\0');
  const head = key.slice(0, cut).split('\0');
  const [account, interfaceId, srcAddr] = head.map(utf8);
  const dstAddr = utf8(head.slice(3).join('\0'));
  const action = utf8(key.slice(cut + 1));
  const start = nums[n + COL.N_START],
    end = nums[n + COL.N_END];
  return {
    account,
    interfaceId,
    srcAddr,
    dstAddr,
    srcPort: nullable(t.ints[b + COL.I_SPORT]),
    dstPort: nullable(t.ints[b + COL.I_DPORT]),
    protocol: nullable(t.ints[b + COL.I_PROTO]),
    action,
    packets: bigTwoWord(nums[n + COL.N_PKTLO], nums[n + COL.N_PKTHI]),
    bytes: bigTwoWord(nums[n + COL.N_BYTELO], nums[n + COL.N_BYTEHI]),
    start: Number.isFinite(start) ? start : null,
    end: Number.isFinite(end) ? end : null,
    records: nums[n + COL.N_RECORDS],
  };
}

/** A row of a digest whose key is not v2's: v2's fields where the key has them (else `-`), the rest in `fields`. */
function toKeyedRow(k: KeySlots, t: TableView, e: number, nums: Float64Array, n: number): DigestRow {
  const b = e * INT_STRIDE;
  const off = t.ints[b + COL.I_KEYOFF];
  const latin = Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset + off, t.ints[b + COL.I_KEYLEN]).toString(
    'latin1',
  );
  const parts = splitSlots(latin, k.plan.slots.length);
  const at = (slot: number) => (slot < 0 ? '-' : utf8(parts[slot] ?? '-'));
  const fields: Record<string, string> = {};
  for (const x of k.extra) fields[x.field] = at(x.slot);
  const start = nums[n + COL.N_START],
    end = nums[n + COL.N_END];
  return {
    account: at(k.account),
    interfaceId: at(k.interfaceId),
    srcAddr: at(k.srcaddr),
    dstAddr: at(k.dstaddr),
    srcPort: nullable(t.ints[b + COL.I_SPORT]),
    dstPort: nullable(t.ints[b + COL.I_DPORT]),
    protocol: nullable(t.ints[b + COL.I_PROTO]),
    action: at(k.action),
    packets: bigTwoWord(nums[n + COL.N_PKTLO], nums[n + COL.N_PKTHI]),
    bytes: bigTwoWord(nums[n + COL.N_BYTELO], nums[n + COL.N_BYTEHI]),
    start: Number.isFinite(start) ? start : null,
    end: Number.isFinite(end) ? end : null,
    records: nums[n + COL.N_RECORDS],
    fields,
  };
}

/** Row `r`'s sum of the packets-lost-* field `f` (0 when the row has none). */
export function lostSum(r: DigestRow, f: PacketsLostField): bigint {
  return r.lost?.[LOST_PROPERTY[f]] ?? 0n;
}

/** The packets-lost-* fields of `a` and `b`, in {@link PACKETS_LOST_FIELDS} order. */
export function unionLost(a: readonly PacketsLostField[], b: readonly PacketsLostField[]): PacketsLostField[] {
  return PACKETS_LOST_FIELDS.filter((f) => a.includes(f) || b.includes(f));
}

/** A row's {@link PacketsLost}: the sums at `sums[at, at + LOST_STRIDE)` (none: zero) of the fields `lost`. */
function lostOf(lost: readonly PacketsLostField[], sums: Float64Array | null, at: number): PacketsLost {
  const out: PacketsLost = {};
  for (const f of lost) {
    const i = at + 2 * PACKETS_LOST_FIELDS.indexOf(f);
    out[LOST_PROPERTY[f]] = sums === null ? 0n : bigTwoWord(sums[i], sums[i + 1]);
  }
  return out;
}

function nullable(v: number): number | null {
  return v < 0 ? null : v;
}

function bigTwoWord(lo: number, hi: number): bigint {
  return BigInt(hi) * BigInt(TWO52) + BigInt(lo);
}

function utf8(latin: string): string {
  return Buffer.from(latin, 'latin1').toString('utf8');
}

export type { MalformedSample };
