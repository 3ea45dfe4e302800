import { addCounters, newCounters, type ScanCounters, type MalformedSample } from '../format/counters.js';
import { V2_HEADER } from '../format/fields.js';
import { COL, DigestTable, INT_STRIDE, NUM_STRIDE, TWO52, type TableView } from './table.js';

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
  for (const [reason, n] of Object.entries(b.listingSkipped)) a.listingSkipped[reason] = (a.listingSkipped[reason] ?? 0) + n;
  a.skippedObjects = [...a.skippedObjects, ...b.skippedObjects].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/** A digest: one row per conversation key, plus the statistics of the run that made it. */
export class Digest {
  /** @internal The rows' storage. */
  readonly table: DigestTable;
  readonly stats: DigestStats;
  private sorted: Int32Array | null = null;

  constructor(table: DigestTable = new DigestTable(), stats: DigestStats = emptyStats()) {
    this.table = table;
    this.stats = stats;
  }

  /** Number of rows. */
  get size(): number {
    return this.table.size;
  }

  /** Fold another digest (or a packed partial) into this one. Merging is exact, associative and commutative. */
  mergeFrom(other: Digest | { table: TableView; stats: DigestStats }): this {
    this.table.mergeFrom(other.table);
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

  /** Rows in the canonical order (see README: account, interface, srcaddr, dstaddr, ports, protocol, action). */
  *rows(): IterableIterator<DigestRow> {
    const order = this.order();
    for (let i = 0; i < order.length; i++) yield this.row(order[i]);
  }

  /** The whole digest as flow-log text (v2 header + rows). For large digests prefer {@link textChunks}. */
  toText(): string {
    return Buffer.from([...this.textChunks()].join(''), 'latin1').toString('utf8');
  }

  /**
   * The text digest in chunks of about 64 KiB, as latin1 strings (one char per byte, so the
   * original bytes of every field survive): write them with `Buffer.from(chunk, 'latin1')`.
   */
  *textChunks(): IterableIterator<string> {
    const order = this.order();
    const t = this.table, ints = t.ints, nums = t.nums;
    const pk = this.stats.packetsSeen, by = this.stats.bytesSeen;
    let chunk = `${V2_HEADER}\n`;
    for (let i = 0; i < order.length; i++) {
      const e = order[i], b = e * INT_STRIDE, n = e * NUM_STRIDE;
      const parts = this.keyParts(e);
      chunk += `2 ${parts[0]} ${parts[1]} ${parts[2]} ${parts[3]} ${num(ints[b + COL.I_SPORT])} ${num(ints[b + COL.I_DPORT])} ${num(ints[b + COL.I_PROTO])} ` +
        `${pk ? twoWord(nums[n + COL.N_PKTLO], nums[n + COL.N_PKTHI]) : '-'} ${by ? twoWord(nums[n + COL.N_BYTELO], nums[n + COL.N_BYTEHI]) : '-'} ` +
        `${time(nums[n + COL.N_START])} ${time(nums[n + COL.N_END])} ${parts[4]} OK\n`;
      if (chunk.length >= 65536) { yield chunk; chunk = ''; }
    }
    if (chunk.length > 0) yield chunk;
  }

  /** NDJSON: one JSON object per row (with `records`), then `{"stats":{...}}` if `withStats`. */
  *ndjsonLines(withStats = true): IterableIterator<string> {
    const pk = this.stats.packetsSeen, by = this.stats.bytesSeen;
    for (const r of this.rows()) {
      yield `{"account-id":${JSON.stringify(r.account)},"interface-id":${JSON.stringify(r.interfaceId)},` +
        `"srcaddr":${JSON.stringify(r.srcAddr)},"dstaddr":${JSON.stringify(r.dstAddr)},` +
        `"srcport":${r.srcPort},"dstport":${r.dstPort},"protocol":${r.protocol},` +
        `"packets":${pk ? r.packets : null},"bytes":${by ? r.bytes : null},"start":${r.start},"end":${r.end},` +
        `"action":${JSON.stringify(r.action)},"records":${r.records}}\n`;
    }
    if (withStats) yield `${JSON.stringify({ stats: { ...this.stats, rows: this.size } })}\n`;
  }

  private row(e: number): DigestRow {
    const t = this.table, b = e * INT_STRIDE, n = e * NUM_STRIDE;
    const [account, interfaceId, srcAddr, dstAddr, action] = this.keyParts(e).map(utf8);
    const start = t.nums[n + COL.N_START], end = t.nums[n + COL.N_END];
    return {
      account, interfaceId, srcAddr, dstAddr,
      srcPort: nullable(t.ints[b + COL.I_SPORT]),
      dstPort: nullable(t.ints[b + COL.I_DPORT]),
      protocol: nullable(t.ints[b + COL.I_PROTO]),
      action,
      packets: bigTwoWord(t.nums[n + COL.N_PKTLO], t.nums[n + COL.N_PKTHI]),
      bytes: bigTwoWord(t.nums[n + COL.N_BYTELO], t.nums[n + COL.N_BYTEHI]),
      start: Number.isFinite(start) ? start : null,
      end: Number.isFinite(end) ? end : null,
      records: t.nums[n + COL.N_RECORDS],
    };
  }

  /** The five string key fields of entry `e`, as latin1 strings (byte-exact). */
  private keyParts(e: number): string[] {
    return this.keyString(e).split('\0');
  }

  /** Entry `e`'s string key fields joined by NUL, as one latin1 string. */
  private keyString(e: number): string {
    const t = this.table, b = e * INT_STRIDE;
    const off = t.ints[b + COL.I_KEYOFF];
    return Buffer.from(t.keyBytes.buffer, t.keyBytes.byteOffset + off, t.ints[b + COL.I_KEYLEN]).toString('latin1');
  }

  // Canonical order. Comparing latin1 strings compares bytes, and NUL joins the fields, so
  // comparing the joined first four fields equals comparing them one by one.
  private order(): Int32Array {
    if (this.sorted !== null && this.sorted.length === this.size) return this.sorted;
    const n = this.size, ints = this.table.ints;
    const heads: string[] = new Array(n), actions: string[] = new Array(n);
    for (let e = 0; e < n; e++) {
      // The first four fields, still NUL-joined, and the action after the last NUL.
      const k = this.keyString(e), cut = k.lastIndexOf('\0');
      heads[e] = k.slice(0, cut);
      actions[e] = k.slice(cut + 1);
    }
    const order = Int32Array.from({ length: n }, (_, i) => i);
    order.sort((x, y) => {
      const hx = heads[x], hy = heads[y];
      if (hx !== hy) return hx < hy ? -1 : 1;
      const bx = x * INT_STRIDE, by = y * INT_STRIDE;
      for (let c = COL.I_SPORT; c <= COL.I_PROTO; c++) {
        const d = ints[bx + c] - ints[by + c];
        if (d !== 0) return d;
      }
      return actions[x] < actions[y] ? -1 : actions[x] > actions[y] ? 1 : 0;
    });
    this.sorted = order;
    return order;
  }
}

function num(v: number): string {
  return v < 0 ? '-' : String(v);
}

function time(v: number): string {
  return Number.isFinite(v) ? String(v) : '-';
}

function nullable(v: number): number | null {
  return v < 0 ? null : v;
}

function twoWord(lo: number, hi: number): string {
  return hi === 0 ? String(lo) : (BigInt(hi) * BigInt(TWO52) + BigInt(lo)).toString();
}

function bigTwoWord(lo: number, hi: number): bigint {
  return BigInt(hi) * BigInt(TWO52) + BigInt(lo);
}

function utf8(latin: string): string {
  return Buffer.from(latin, 'latin1').toString('utf8');
}

export type { MalformedSample };
