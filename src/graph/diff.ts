/**
 * Diffing two digests, done the way vpcflow-diffd should have: PREVIOUS is loaded into a digest
 * table (columns, no object per row) with a hash index over it; NEXT streams through in small
 * blocks. Memory is PREVIOUS's table, 9-17 bytes per PREVIOUS row (index + seen flags; 56 more
 * with `changed`), and the added rows. An edge's identity is the digest key: account,
 * interface, addresses, ports, protocol, action.
 */
import type { Readable } from 'node:stream';
import { Digest, type DigestStats, emptyStats, unionLost } from '../digest/digest.js';
import {
  addLostValues,
  COL,
  DigestTable,
  INT_STRIDE,
  LOST_STRIDE,
  NUM_STRIDE,
  type TableView,
  TWO52,
} from '../table/table.js';
import type { PacketsLostField } from '../format/fields.js';
import { FormatError, InvalidOptionError } from '../errors.js';
import { copyRaw } from './entries.js';
import { readBlocks, readGraphInput } from './input.js';
import type { DiffOptions, DigestDiff } from './types.js';

/** Accumulates NEXT block by block against a fixed PREVIOUS. */
export class DiffBuilder {
  private readonly prev: TableView;
  private readonly prevSize: number;
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly seen: Uint8Array;
  /** NEXT's aggregate per PREVIOUS entry (only with `changed`); start/end begin at ±Infinity. */
  private readonly nextNums: Float64Array | null;
  /** NEXT's lost packets per PREVIOUS entry (only with `changed`, once a block has them). */
  private nextLost: Float64Array | null = null;
  private readonly added = new DigestTable();

  constructor(
    private readonly previous: Digest,
    options: DiffOptions = {},
  ) {
    this.prev = previous.table;
    this.prevSize = previous.table.size;
    let cap = 16;
    while (cap < this.prevSize * 2) cap *= 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    const ints = this.prev.ints;
    for (let e = 0; e < this.prevSize; e++) {
      let s = ints[e * INT_STRIDE + COL.I_HASH] & this.mask;
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = e + 1;
    }
    this.seen = new Uint8Array(this.prevSize);
    this.nextNums = options.changed ? new Float64Array(this.prevSize * NUM_STRIDE) : null;
    if (this.nextNums !== null) {
      for (let e = 0; e < this.prevSize; e++) {
        this.nextNums[e * NUM_STRIDE + COL.N_START] = Infinity;
        this.nextNums[e * NUM_STRIDE + COL.N_END] = -Infinity;
      }
    }
  }

  /** The PREVIOUS entry with the key of `block`'s entry `e`, or -1. */
  private find(block: TableView, e: number): number {
    const bi = block.ints,
      b = e * INT_STRIDE,
      kb = block.keyBytes;
    const hash = bi[b + COL.I_HASH],
      off = bi[b + COL.I_KEYOFF],
      len = bi[b + COL.I_KEYLEN];
    const pi = this.prev.ints,
      pk = this.prev.keyBytes;
    for (let s = hash & this.mask; ; s = (s + 1) & this.mask) {
      const v = this.slots[s];
      if (v === 0) return -1;
      const p = (v - 1) * INT_STRIDE;
      if (
        pi[p + COL.I_HASH] !== hash ||
        pi[p + COL.I_KEYLEN] !== len ||
        pi[p + COL.I_SPORT] !== bi[b + COL.I_SPORT] ||
        pi[p + COL.I_DPORT] !== bi[b + COL.I_DPORT] ||
        pi[p + COL.I_PROTO] !== bi[b + COL.I_PROTO]
      )
        continue;
      const po = pi[p + COL.I_KEYOFF];
      let i = 0;
      while (i < len && pk[po + i] === kb[off + i]) i++;
      if (i === len) return v - 1;
    }
  }

  /** Fold a block of NEXT rows in. */
  addBlock(block: TableView): void {
    const bn = block.nums,
      agg = this.nextNums;
    for (let e = 0; e < block.size; e++) {
      const p = this.find(block, e);
      if (p < 0) {
        copyRaw(block, e, this.added);
        continue;
      }
      this.seen[p] = 1;
      if (agg === null) continue;
      const a = p * NUM_STRIDE,
        n = e * NUM_STRIDE;
      // Two-word sums as DigestTable.addAggregate does them: lo stays below 2^52.
      for (const [lo, hi] of [
        [COL.N_PKTLO, COL.N_PKTHI],
        [COL.N_BYTELO, COL.N_BYTEHI],
      ]) {
        let l = agg[a + lo] + bn[n + lo],
          h = agg[a + hi] + bn[n + hi];
        if (l >= TWO52) {
          l -= TWO52;
          h += 1;
        }
        agg[a + lo] = l;
        agg[a + hi] = h;
      }
      agg[a + COL.N_START] = Math.min(agg[a + COL.N_START], bn[n + COL.N_START]);
      agg[a + COL.N_END] = Math.max(agg[a + COL.N_END], bn[n + COL.N_END]);
      agg[a + COL.N_RECORDS] += bn[n + COL.N_RECORDS];
      if (block.lost) {
        this.nextLost ??= new Float64Array(this.prevSize * LOST_STRIDE);
        addLostValues(this.nextLost, p * LOST_STRIDE, block.lost, e * LOST_STRIDE);
      }
    }
  }

  /**
   * The diff; `nextStats` are NEXT's statistics (for `-` in absent packets/bytes), `nextKey`
   * NEXT's key: rows of two keys cannot be compared, so they must be the same.
   */
  finish(
    nextStats: DigestStats,
    nextKey: readonly string[] = this.previous.key,
    nextLost: readonly PacketsLostField[] = [],
  ): DigestDiff {
    const key = diffKey(this.previous, nextKey, this.added.size + (this.seen.includes(1) ? 1 : 0));
    const lost = unionLost(this.previous.lost, nextLost);
    const prev = this.prev,
      pn = prev.nums,
      pl = prev.lost ?? null,
      nl = this.nextLost,
      agg = this.nextNums;
    const removed = new DigestTable(),
      before = new DigestTable(),
      after = new DigestTable();
    let common = 0;
    for (let e = 0; e < this.prevSize; e++) {
      if (this.seen[e] === 0) {
        copyRaw(prev, e, removed);
        continue;
      }
      common++;
      if (agg === null) continue;
      const n = e * NUM_STRIDE;
      let same = true;
      for (const c of [COL.N_PKTLO, COL.N_PKTHI, COL.N_BYTELO, COL.N_BYTEHI, COL.N_START, COL.N_END])
        same &&= pn[n + c] === agg[n + c];
      // Lost packets too (a side without them lost none).
      for (let c = 0; c < LOST_STRIDE && (pl !== null || nl !== null); c++)
        same &&= (pl?.[e * LOST_STRIDE + c] ?? 0) === (nl?.[e * LOST_STRIDE + c] ?? 0);
      if (same) continue;
      copyRaw(prev, e, before);
      const t = copyRaw(prev, e, after);
      // copyRaw added PREVIOUS's values to a zeroed entry; overwrite them with NEXT's.
      after.nums.set(agg.subarray(n, n + NUM_STRIDE), t * NUM_STRIDE);
      if (nl !== null) {
        after.enableLost();
        after.lost!.set(nl.subarray(e * LOST_STRIDE, (e + 1) * LOST_STRIDE), t * LOST_STRIDE);
      } else after.lost?.fill(0, t * LOST_STRIDE, (t + 1) * LOST_STRIDE);
    }
    const nextDigestStats = { ...emptyStats(), packetsSeen: nextStats.packetsSeen, bytesSeen: nextStats.bytesSeen };
    const prevDigestStats = {
      ...emptyStats(),
      packetsSeen: this.previous.stats.packetsSeen,
      bytesSeen: this.previous.stats.bytesSeen,
    };
    return {
      added: new Digest(this.added, nextDigestStats).withKey(key).withLost(lost),
      removed: new Digest(removed, prevDigestStats).withKey(key).withLost(lost),
      changed: new Digest(after, { ...nextDigestStats }).withKey(key).withLost(lost),
      changedBefore: new Digest(before, { ...prevDigestStats }).withKey(key).withLost(lost),
      common,
      previousRows: this.prevSize,
      nextRows: common + this.added.size,
      previousStats: this.previous.stats,
      nextStats,
    };
  }
}

/** The key of a diff of `previous` against NEXT (of `nextRows` rows) with `nextKey`; an empty side takes the other's. */
function diffKey(previous: Digest, nextKey: readonly string[], nextRows: number): readonly string[] {
  const a = previous.key.join(' '),
    b = nextKey.join(' ');
  if (a === b || nextRows === 0) return previous.key;
  if (previous.size === 0) return nextKey;
  throw new FormatError(
    `cannot diff digests of different keys: PREVIOUS has '${a}', NEXT has '${b}' (digest both with the same --key)`,
    {},
  );
}

function checkOptions(options: DiffOptions): void {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('options', 'must be an object');
  if (options.changed !== undefined && typeof options.changed !== 'boolean')
    throw new InvalidOptionError('options.changed', 'must be a boolean');
  if (options.strict !== undefined && typeof options.strict !== 'boolean')
    throw new InvalidOptionError('options.strict', 'must be a boolean');
}

/** Diff two digests in memory. */
export function diffDigests(previous: Digest, next: Digest, options: DiffOptions = {}): DigestDiff {
  checkOptions(options);
  const builder = new DiffBuilder(previous, options);
  builder.addBlock(next.table);
  return builder.finish(next.stats, next.key, next.lost);
}

/**
 * Diff two inputs (paths or streams; raw flow log, text or NDJSON digest, or flowdigest DOT;
 * gzip or not). PREVIOUS is loaded; NEXT is streamed in blocks.
 */
export async function diffInputs(
  previous: string | Readable,
  next: string | Readable,
  options: DiffOptions = {},
): Promise<DigestDiff> {
  checkOptions(options);
  const strict = options.strict ?? false;
  const prev = await readGraphInput(previous, {
    strict,
    ...(typeof previous === 'string' ? {} : { name: 'PREVIOUS' }),
  });
  const builder = new DiffBuilder(prev.digest, options);
  const read = await readBlocks(
    next,
    {
      table: () => new DigestTable(),
      flush: (t) => builder.addBlock(t),
    },
    { strict, ...(typeof next === 'string' ? {} : { name: 'NEXT' }) },
  );
  return builder.finish(read.stats, read.key, read.lost);
}
