/**
 * The digest's hash table: one entry per conversation key, stored column-wise in typed arrays so
 * it costs no object per row. A shared table (SharedArrayBuffer columns) is handed between threads
 * as its {@link TableState}, so a worker can keep aggregating into it across many objects.
 *
 * Key = string part (account, interface, srcaddr, dstaddr, action as raw bytes joined by NUL)
 *     + numeric part (srcport, dstport, protocol; -1 = absent).
 * Values: packets and bytes as two-word integers (lo + hi·2^52, exact far beyond 2^53),
 * start = min, end = max (±Infinity when absent), records = count merged.
 */
import { MemoryLimitError } from '../errors.js';
import { dropped } from '../util/reclaim.js';
import {
  COL,
  HASH_FIELD_MUL,
  HASH_MIX_DPORT,
  HASH_MIX_PROTO,
  HASH_MIX_SHIFT,
  HASH_MIX_SPORT,
  HASH_SEED,
  HASH_TAIL_MUL,
  INT_STRIDE,
  NUM_STRIDE,
  PARTITION_MUL,
  TWO52,
} from './contract.js';

// The layout and the hash are the WebAssembly kernel's too: both come from its contract
// (src/format/wasm/contract.json), so a kernel-built table merges with this one.
export { COL, HASH_SEED, INT_STRIDE, NUM_STRIDE, TWO52 };

/**
 * Float64 columns per entry of a table's side column of lost packets ({@link DigestTable.lost}):
 * the two-word sums (lo, hi) of packets-lost-no-route, -blackhole, -mtu-exceeded and
 * -ttl-expired, in that order. Only tables of formats that hold those fields have the column,
 * so no other digest pays for it; the WebAssembly kernel never sees such a table.
 */
export const LOST_STRIDE = 8;
const { I_KEYOFF, I_KEYLEN, I_HASH, I_SPORT, I_DPORT, I_PROTO } = COL;
const { N_PKTLO, N_PKTHI, N_BYTELO, N_BYTEHI, N_START, N_END, N_RECORDS } = COL;

/**
 * Hash of the key's string part (fields joined by NUL) folded with its numeric part.
 * Each field is hashed on its own, four bytes per multiply: the scanner hashes fields in place
 * without joining them, and must get the same value.
 */
export function hashKey(
  bytes: Uint8Array,
  off: number,
  len: number,
  sport: number,
  dport: number,
  proto: number,
): number {
  let h = HASH_SEED,
    fs = off;
  const end = off + len,
    view = viewOf(bytes);
  for (let i = off; i <= end; i++) {
    if (i === end || bytes[i] === 0) {
      h = hashField(h, bytes, view, fs, i);
      fs = i + 1;
    }
  }
  return mixNumbers(h, sport, dport, proto);
}

/** A DataView with the same indexes as `bytes`: word loads for hashing and comparing keys. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Fold the bytes `buf[s, e)` of one key field into `h`; `view` is {@link viewOf} `buf`. */
export function hashField(h: number, buf: Uint8Array, view: DataView, s: number, e: number): number {
  let i = s;
  for (; i + 4 <= e; i += 4) h = Math.imul(h ^ view.getUint32(i, true), HASH_FIELD_MUL);
  let w = (e - s) << 24;
  for (let k = 0; i < e; i++, k += 8) w ^= buf[i] << k;
  return Math.imul(h ^ w, HASH_TAIL_MUL);
}

/** Fold the numeric key part into a running byte hash. */
export function mixNumbers(h: number, sport: number, dport: number, proto: number): number {
  h = Math.imul(h ^ sport, HASH_MIX_SPORT);
  h = Math.imul(h ^ dport, HASH_MIX_DPORT);
  h = Math.imul(h ^ proto, HASH_MIX_PROTO);
  return (h ^ (h >>> HASH_MIX_SHIFT)) | 0;
}

/**
 * Where a table's arrays live. `shared` puts them in SharedArrayBuffers, so a table can be
 * handed between threads as a {@link TableState} without copying; `budget` charges every
 * allocation to a run-wide limit.
 */
export interface TableMemory {
  shared?: boolean;
  budget?: MemoryBudget;
  /**
   * Allocate the columns at {@link RESERVE_ENTRIES} entries (and {@link RESERVE_KEY_BYTES} key
   * bytes) or more, so the table grows into them instead of copying them into larger arrays. The
   * budget is charged for the room the table grows into, as without a reservation.
   */
  reserve?: boolean;
}

/**
 * Entries a reserving table's columns are allocated for once it outgrows its first room. A large
 * (Shared)ArrayBuffer's pages cost nothing until written (the allocator maps them zeroed), so the
 * room past the rows is address space, not memory; and a table that grows into its arrays
 * neither copies its rows into new ones nor leaves the old ones as garbage for every thread to
 * collect (docs/kernel.md, "Reserved run tables"). Only a table that grows reserves: a process
 * that holds many small digests would otherwise hold hundreds of MB of address space for each,
 * which a fork of it must be able to commit.
 */
export const RESERVE_ENTRIES = 1 << 21;
/** Key bytes a reserving table's key column is allocated for once it outgrows its first room. */
export const RESERVE_KEY_BYTES = 1 << 27;
/** Bytes of a table's Int32 and Float64 columns per entry (without the lost-packets column). */
const ENTRY_BYTES = INT_STRIDE * 4 + NUM_STRIDE * 8;
/**
 * {@link DigestTable.adopt} writes only the slots new entries took when they are fewer than one
 * in this many; more, and it copies the whole slot array, in sequence: each scattered slot is a
 * cache miss. At B 40% (merges of ~50 k new entries into 1-2 M slots) the slots' step took 49-97
 * ms a run when every merge scattered, 14-26 ms with this rule (docs/performance.md, "The run
 * tables' copies, unprofiled").
 */
const SCATTER_SLOTS_BELOW = 64;

/** A byte limit shared by every table of a run (and by every thread that holds one). */
export interface MemoryBudget {
  /** Int32Array over a SharedArrayBuffer of one slot: KiB allocated so far. */
  readonly used: Int32Array;
  /** The limit in bytes. */
  readonly limit: number;
}

/** A new budget of `limit` bytes. */
export function memoryBudget(limit: number): MemoryBudget {
  return { used: new Int32Array(new SharedArrayBuffer(4)), limit };
}

/**
 * The shared WebAssembly memory a resident run table lives in (format/resident-table.ts): posted
 * with the table's state, so that any thread can merge into the table where it lies.
 */
export interface TableHome {
  /** A shared WebAssembly.Memory. */
  readonly memory: { readonly buffer: SharedArrayBuffer; grow(pages: number): number };
  /** Byte offset of the table's first part (the merge's counters) in the memory. */
  readonly io: number;
}

/** A table's whole state, as posted between threads (shared arrays are not copied). */
export interface TableState {
  size: number;
  keyUsed: number;
  mask: number;
  slots: Int32Array;
  ints: Int32Array;
  nums: Float64Array;
  keyBytes: Uint8Array;
  /** The side column of lost packets (LOST_STRIDE per entry), when the table has one. */
  lost?: Float64Array | null;
  /** Entries the columns are charged for, when fewer than their arrays hold (a reserving table). */
  entryRoom?: number;
  /** Key bytes charged for, when fewer than the key array holds (a reserving table). */
  keyRoom?: number;
  /** Where a resident table's columns live; its arrays are views of that memory. */
  home?: TableHome;
}

export class DigestTable {
  /** Number of entries. */
  size = 0;
  /** Key bytes of all entries, back to back. */
  keyBytes: Uint8Array;
  keyUsed = 0;
  /** {@link viewOf} keyBytes, kept in step with it. */
  private keyView: DataView;
  /** Per entry: key offset, key length, hash, srcport, dstport, protocol. */
  ints: Int32Array;
  /** Per entry: packets lo/hi, bytes lo/hi, start, end, records. */
  nums: Float64Array;
  /**
   * Per entry, only in a table of a format with packets-lost-* fields ({@link enableLost}):
   * their two-word sums, {@link LOST_STRIDE} a row. Null otherwise.
   */
  lost: Float64Array | null = null;
  private slots: Int32Array;
  private mask: number;
  private readonly memory: TableMemory;
  /** Entries the columns are charged for (their arrays may hold more: {@link TableMemory.reserve}). */
  private entryRoom: number;
  /** Key bytes charged for (the key array may hold more). */
  private keyRoom: number;

  constructor(capacity = 1024, memory: TableMemory = {}) {
    this.memory = memory;
    const first = firstRoom(capacity);
    this.slots = this.alloc(Int32Array, first.slotCount, 0);
    this.mask = first.slotCount - 1;
    this.entryRoom = first.entryRoom;
    this.keyRoom = first.keyRoom;
    this.chargeFor(this.entryRoom * ENTRY_BYTES + this.keyRoom);
    this.ints = this.allocate(Int32Array, this.entryRoom * INT_STRIDE);
    this.nums = this.allocate(Float64Array, this.entryRoom * NUM_STRIDE);
    this.keyBytes = this.allocate(Uint8Array, this.keyRoom);
    this.keyView = viewOf(this.keyBytes);
  }

  /** A table over a {@link TableState} posted from another thread (its arrays, not copies). */
  static attach(state: TableState, memory: TableMemory = {}): DigestTable {
    const t = Object.create(DigestTable.prototype) as DigestTable;
    Object.assign(t, {
      memory,
      size: state.size,
      keyUsed: state.keyUsed,
      mask: state.mask,
      slots: state.slots,
      ints: state.ints,
      nums: state.nums,
      keyBytes: state.keyBytes,
      keyView: viewOf(state.keyBytes),
      lost: state.lost ?? null,
      entryRoom: state.entryRoom ?? state.ints.length / INT_STRIDE,
      keyRoom: state.keyRoom ?? state.keyBytes.length,
    });
    return t;
  }

  /** This table's state, to post to another thread (shared tables only, for it to be the same table). */
  state(): TableState {
    return {
      size: this.size,
      keyUsed: this.keyUsed,
      mask: this.mask,
      slots: this.slots,
      ints: this.ints,
      nums: this.nums,
      keyBytes: this.keyBytes,
      ...(this.lost === null ? {} : { lost: this.lost }),
      entryRoom: this.entryRoom,
      keyRoom: this.keyRoom,
    };
  }

  /** Bytes this table is charged for: its slots, and the room its columns and keys grew to. */
  get bytes(): number {
    return this.slots.byteLength + this.entryRoom * this.entryBytes() + this.keyRoom;
  }

  /** Give the table its side column of lost packets (zero for the entries it holds), if it has none. */
  enableLost(): void {
    if (this.lost !== null) return;
    this.chargeFor(this.entryRoom * LOST_STRIDE * 8);
    this.lost = this.allocate(Float64Array, (this.ints.length / INT_STRIDE) * LOST_STRIDE);
  }

  /** Add `lo + hi·2^52` (lo below 2^52) to lost-packet sum `i` (0..3) of entry `e`; the table must have the column. */
  addLost(e: number, i: number, lo: number, hi: number): void {
    const l = this.lost!,
      at = e * LOST_STRIDE + 2 * i;
    let sum = l[at] + lo,
      high = l[at + 1] + hi;
    if (sum >= TWO52) {
      high += 1;
      sum -= TWO52;
    }
    l[at] = sum;
    l[at + 1] = high;
  }

  // The hash slots come from here, charged as allocated (and `freed`, the array they replace).
  private alloc<T extends Int32Array | Float64Array | Uint8Array>(
    kind: ArrayKind<T>,
    length: number,
    freed: number,
  ): T {
    this.chargeFor(length * kind.BYTES_PER_ELEMENT - freed);
    // The array replaced is garbage once this returns (every thread that saw a shared one must collect).
    dropped(freed);
    return this.allocate(kind, length);
  }

  /** Charge `bytes` (negative: a release) to the budget, if the table has one. */
  private chargeFor(bytes: number): void {
    if (this.memory.budget) charge(this.memory.budget, bytes, this.size);
  }

  private allocate<T extends Int32Array | Float64Array | Uint8Array>(kind: ArrayKind<T>, length: number): T {
    const bytes = length * kind.BYTES_PER_ELEMENT;
    return new kind(this.memory.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  /**
   * A column of `stride` per entry with room for `entries` (charged by the caller), to grow into:
   * a reserving table's for {@link RESERVE_ENTRIES} at least.
   */
  private grownColumn<T extends Int32Array | Float64Array>(kind: ArrayKind<T>, stride: number, entries: number): T {
    return this.reserving(kind, stride, entries, RESERVE_ENTRIES);
  }

  /** A key column of `bytes` bytes (charged by the caller), to grow into: a reserving table's of {@link RESERVE_KEY_BYTES} at least. */
  private grownKeyColumn(bytes: number): Uint8Array {
    return this.reserving(Uint8Array, 1, bytes, RESERVE_KEY_BYTES);
  }

  /**
   * An array of `units` × `stride` elements; a reserving table's of `most` units when that is more.
   * Where the address space is refused, just what was asked.
   */
  private reserving<T extends Int32Array | Float64Array | Uint8Array>(
    kind: ArrayKind<T>,
    stride: number,
    units: number,
    most: number,
  ): T {
    if (this.memory.reserve && most > units) {
      try {
        return this.allocate(kind, most * stride);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
      }
    }
    return this.allocate(kind, units * stride);
  }

  /** Bytes charged per entry of room: the Int32 and Float64 columns, and the lost packets' when there. */
  private entryBytes(): number {
    return ENTRY_BYTES + (this.lost === null ? 0 : LOST_STRIDE * 8);
  }

  /** Remove every entry, keeping the allocated capacity. Returns this table. */
  clear(): this {
    this.slots.fill(0);
    this.size = 0;
    this.keyUsed = 0;
    // The next object may be of a format without lost packets: it should not carry the column.
    if (this.lost !== null && this.memory.budget) charge(this.memory.budget, -this.entryRoom * LOST_STRIDE * 8, 0);
    this.lost = null;
    return this;
  }

  /**
   * Index of the entry for this key, inserting a zeroed one if new.
   * `key[off, off+len)` holds the string part; `hash` must be {@link hashKey} of the same key.
   */
  upsert(key: Uint8Array, off: number, len: number, hash: number, sport: number, dport: number, proto: number): number {
    const slots = this.slots,
      ints = this.ints,
      kb = this.keyBytes;
    let slot = hash & this.mask;
    for (;;) {
      const s = slots[slot];
      if (s === 0) break;
      const e = s - 1,
        b = e * INT_STRIDE;
      if (
        ints[b + I_HASH] === hash &&
        ints[b + I_KEYLEN] === len &&
        ints[b + I_SPORT] === sport &&
        ints[b + I_DPORT] === dport &&
        ints[b + I_PROTO] === proto
      ) {
        const ko = ints[b + I_KEYOFF];
        let i = 0;
        while (i < len && kb[ko + i] === key[off + i]) i++;
        if (i === len) return e;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.insertAt(slot, key, off, len, hash, sport, dport, proto);
  }

  /**
   * Index of the entry whose string part equals the fields `buf[seg[2j], seg[2j+1])` (j = 0..4;
   * a start of -1 stands for `-`), or -1. Compares in place: the scanner need not join the key.
   */
  findSegments(
    buf: Uint8Array,
    view: DataView,
    seg: Int32Array,
    hash: number,
    sport: number,
    dport: number,
    proto: number,
  ): number {
    const slots = this.slots,
      ints = this.ints,
      kb = this.keyBytes;
    let slot = hash & this.mask;
    for (;;) {
      const s = slots[slot];
      if (s === 0) return -1;
      const e = s - 1,
        b = e * INT_STRIDE;
      if (
        ints[b + I_HASH] === hash &&
        ints[b + I_SPORT] === sport &&
        ints[b + I_DPORT] === dport &&
        ints[b + I_PROTO] === proto &&
        segmentsEqual(kb, this.keyView, ints[b + I_KEYOFF], ints[b + I_KEYLEN], buf, view, seg)
      ) {
        return e;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  private insertAt(
    slot: number,
    key: Uint8Array,
    off: number,
    len: number,
    hash: number,
    sport: number,
    dport: number,
    proto: number,
  ): number {
    const e = this.size++;
    // The columns grow apart from the slots ({@link adopt} sizes them to the rows it holds).
    if (e + 1 > this.entryRoom) this.growEntries(grownEntryRoom(e + 1, this.mask + 1), e, true);
    if (this.keyUsed + len > this.keyRoom) this.growKeys(doubledPast(this.keyRoom, this.keyUsed + len), this.keyUsed);
    this.keyBytes.set(key.subarray(off, off + len), this.keyUsed);
    const b = e * INT_STRIDE,
      ints = this.ints;
    ints[b + I_KEYOFF] = this.keyUsed;
    ints[b + I_KEYLEN] = len;
    ints[b + I_HASH] = hash;
    ints[b + I_SPORT] = sport;
    ints[b + I_DPORT] = dport;
    ints[b + I_PROTO] = proto;
    this.keyUsed += len;
    const n = e * NUM_STRIDE,
      nums = this.nums;
    nums[n + N_PKTLO] = 0;
    nums[n + N_PKTHI] = 0;
    nums[n + N_BYTELO] = 0;
    nums[n + N_BYTEHI] = 0;
    nums[n + N_START] = Infinity;
    nums[n + N_END] = -Infinity;
    nums[n + N_RECORDS] = 0;
    if (this.lost !== null) this.lost.fill(0, e * LOST_STRIDE, (e + 1) * LOST_STRIDE);
    this.slots[slot] = e + 1;
    // Keep load under one half: linear probing stays short.
    if (this.size * 2 > this.mask) this.rehash();
    return e;
  }

  /**
   * Take this table's state after rows were merged into a copy of it elsewhere (the kernel's
   * run_merge, src/format/wasm-kernel.ts mergeInto): `image` is this table with entries appended
   * and values added, its slots grown as {@link upsert} grows them. Its arrays are read, not
   * kept: what changed is copied back. Columns and key bytes that no longer fit are reallocated
   * (charged to the budget) at twice the rows they hold (the columns at most the slots' half).
   * Tighter growth was measured and lost: a quarter more than the rows reallocated a 400 k-row
   * table every other task, and the arrays it dropped (freed only at a collection) raised the
   * peak and the CPU time (docs/kernel.md, "Where the peak comes from").
   */
  adopt(image: TableImage): void {
    const n0 = this.size,
      k0 = this.keyUsed,
      { size, keyUsed, mask } = image;
    // First: a budget the growth passes names the rows the table reached.
    this.size = size;
    this.keyUsed = keyUsed;
    const { merged, newSlots } = image;
    if (mask !== this.mask) {
      this.slots = this.alloc(Int32Array, mask + 1, this.slots.byteLength);
      this.mask = mask;
      this.slots.set(image.slots.subarray(0, mask + 1));
    } else if (newSlots !== undefined && newSlots.length * SCATTER_SLOTS_BELOW < mask + 1) {
      const slots = this.slots,
        from = image.slots;
      for (let i = 0; i < newSlots.length; i++) {
        const q = newSlots[i];
        slots[q] = from[q];
      }
    } else {
      this.slots.set(image.slots.subarray(0, mask + 1));
    }
    // The old entries' rows stay this table's own when the image holds only what was merged.
    // (The kernel is never handed a table with lost packets; should one come, its column keeps up.)
    if (size > this.entryRoom)
      this.growEntries(Math.max(size, Math.min(size * 2, (mask + 1) >> 1)), n0, merged !== undefined);
    this.ints.set(image.ints.subarray(n0 * INT_STRIDE, size * INT_STRIDE), n0 * INT_STRIDE);
    if (merged === undefined) this.nums.set(image.nums.subarray(0, size * NUM_STRIDE));
    else {
      const nums = this.nums,
        { entries, rows } = merged;
      nums.set(image.nums.subarray(0, (size - n0) * NUM_STRIDE), n0 * NUM_STRIDE);
      for (let i = 0; i < entries.length; i++) addValues(nums, entries[i] * NUM_STRIDE, rows, i * NUM_STRIDE);
    }
    this.lost?.fill(0, n0 * LOST_STRIDE, size * LOST_STRIDE);
    if (keyUsed > this.keyRoom) this.growKeys(keyUsed * 2, k0);
    this.keyBytes.set(image.keyBytes.subarray(k0, keyUsed), k0);
  }

  /** Add one record (packets and bytes each below 2^52) to entry `e`. */
  add(e: number, packets: number, bytes: number, start: number, end: number): void {
    const n = e * NUM_STRIDE,
      nums = this.nums;
    let lo = nums[n + N_PKTLO] + packets;
    if (lo >= TWO52) {
      nums[n + N_PKTHI] += 1;
      lo -= TWO52;
    }
    nums[n + N_PKTLO] = lo;
    lo = nums[n + N_BYTELO] + bytes;
    if (lo >= TWO52) {
      nums[n + N_BYTEHI] += 1;
      lo -= TWO52;
    }
    nums[n + N_BYTELO] = lo;
    if (start < nums[n + N_START]) nums[n + N_START] = start;
    if (end > nums[n + N_END]) nums[n + N_END] = end;
    nums[n + N_RECORDS] += 1;
  }

  /** Add two-word sums and an aggregate (from another table or a parsed digest row) to entry `e`. */
  addAggregate(
    e: number,
    pktLo: number,
    pktHi: number,
    byteLo: number,
    byteHi: number,
    start: number,
    end: number,
    records: number,
  ): void {
    const n = e * NUM_STRIDE,
      nums = this.nums;
    let lo = nums[n + N_PKTLO] + pktLo;
    let hi = nums[n + N_PKTHI] + pktHi;
    if (lo >= TWO52) {
      hi += 1;
      lo -= TWO52;
    }
    nums[n + N_PKTLO] = lo;
    nums[n + N_PKTHI] = hi;
    lo = nums[n + N_BYTELO] + byteLo;
    hi = nums[n + N_BYTEHI] + byteHi;
    if (lo >= TWO52) {
      hi += 1;
      lo -= TWO52;
    }
    nums[n + N_BYTELO] = lo;
    nums[n + N_BYTEHI] = hi;
    if (start < nums[n + N_START]) nums[n + N_START] = start;
    if (end > nums[n + N_END]) nums[n + N_END] = end;
    nums[n + N_RECORDS] += records;
  }

  /** Merge every entry of `other` into this table. */
  mergeFrom(other: TableView): void {
    for (let e = 0; e < other.size; e++) this.mergeEntry(other, e);
  }

  /** Merge entry `e` of `other` into this table. */
  mergeEntry(other: TableView, e: number): void {
    const oi = other.ints,
      b = e * INT_STRIDE;
    const t = this.upsert(
      other.keyBytes,
      oi[b + I_KEYOFF],
      oi[b + I_KEYLEN],
      oi[b + I_HASH],
      oi[b + I_SPORT],
      oi[b + I_DPORT],
      oi[b + I_PROTO],
    );
    addValues(this.nums, t * NUM_STRIDE, other.nums, e * NUM_STRIDE);
    const ol = other.lost;
    if (ol) {
      if (this.lost === null) this.enableLost();
      addLostValues(this.lost!, t * LOST_STRIDE, ol, e * LOST_STRIDE);
    }
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = this.alloc(Int32Array, cap, this.slots.byteLength),
      mask = cap - 1,
      ints = this.ints;
    for (let e = 0; e < this.size; e++) {
      let slot = ints[e * INT_STRIDE + I_HASH] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = e + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /**
   * Room for `entries` entries in the columns, charged to the budget. Only when their arrays hold
   * fewer are they reallocated, keeping the first `keep` entries (their Float64 rows only if
   * `keepNums`).
   */
  private growEntries(entries: number, keep: number, keepNums: boolean): void {
    this.chargeFor((entries - this.entryRoom) * this.entryBytes());
    this.entryRoom = entries;
    if (this.columnsHold(entries)) return;
    const old = this.ints.byteLength + this.nums.byteLength + (this.lost?.byteLength ?? 0);
    const ints = this.grownColumn(Int32Array, INT_STRIDE, entries);
    ints.set(this.ints.subarray(0, keep * INT_STRIDE));
    this.ints = ints;
    const nums = this.grownColumn(Float64Array, NUM_STRIDE, entries);
    if (keepNums) nums.set(this.nums.subarray(0, keep * NUM_STRIDE));
    this.nums = nums;
    if (this.lost !== null) {
      const lost = this.grownColumn(Float64Array, LOST_STRIDE, entries);
      lost.set(this.lost.subarray(0, keep * LOST_STRIDE));
      this.lost = lost;
    }
    dropped(old);
  }

  /** Whether every column's array has room for `entries` entries (each may have fallen back to less). */
  private columnsHold(entries: number): boolean {
    return (
      entries * INT_STRIDE <= this.ints.length &&
      entries * NUM_STRIDE <= this.nums.length &&
      (this.lost === null || entries * LOST_STRIDE <= this.lost.length)
    );
  }

  /** Room for `room` key bytes, charged to the budget, keeping the first `keep` (reallocated only when the array holds fewer). */
  private growKeys(room: number, keep: number): void {
    this.chargeFor(room - this.keyRoom);
    this.keyRoom = room;
    if (room <= this.keyBytes.length) return;
    const old = this.keyBytes;
    this.keyBytes = this.grownKeyColumn(room);
    this.keyBytes.set(old.subarray(0, keep));
    this.keyView = viewOf(this.keyBytes);
    dropped(old.byteLength);
  }
}

/**
 * The slots and the rooms a new table of `capacity` entries starts with: a power of two of slots
 * past twice the entries, columns for half the slots, 48 key bytes an entry (at least 4096). The
 * resident tables (format/resident-table.ts) start and are charged alike.
 */
export function firstRoom(capacity: number): { slotCount: number; entryRoom: number; keyRoom: number } {
  let slotCount = 16;
  while (slotCount < capacity * 2) slotCount *= 2;
  return { slotCount, entryRoom: slotCount >> 1, keyRoom: Math.max(4096, (slotCount >> 1) * 48) };
}

/** The columns' room once `entries` entries pass it, in a table of `slotCount` slots: half the slots, or the entries. */
export function grownEntryRoom(entries: number, slotCount: number): number {
  return Math.max(entries, slotCount >> 1);
}

/** `room` doubled until it reaches `need`. */
export function doubledPast(room: number, need: number): number {
  let r = room * 2;
  while (r < need) r *= 2;
  return r;
}

type ArrayKind<T> = { new (b: ArrayBuffer | SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };

/**
 * Charge `bytes` (negative: a release) to `budget`, or throw {@link MemoryLimitError} naming the
 * limit. Atomic, because every worker of a run draws from the same budget.
 */
export function charge(budget: MemoryBudget, bytes: number, rows: number): void {
  chargeBudget(budget, bytes, () => `at ${rows.toLocaleString('en-US')} rows in one table`);
}

/**
 * Charge `bytes` (negative: a release) to `budget`, or throw {@link MemoryLimitError} naming the
 * limit and `where()` it was passed (the tables and the workers' kernels share the budget).
 * `where` is called only then: toLocaleString's first call in a thread loads ICU's formatter,
 * a few MB a thread (measured: the process's peak 8 MB higher with 2 workers).
 */
export function chargeBudget(budget: MemoryBudget, bytes: number, where: () => string): void {
  const kib = Math.ceil(bytes / 1024);
  const now = Atomics.add(budget.used, 0, kib) + kib;
  if (kib > 0 && now * 1024 > budget.limit) {
    Atomics.sub(budget.used, 0, kib);
    throw new MemoryLimitError(
      `the digest outgrew its memory limit of ${formatBytes(budget.limit)} (--max-memory, maxMemory) ` +
        `${where()}; raise the limit, or narrow the inputs, window, accounts or regions`,
    );
  }
}

function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`;
}

/**
 * A table's state as another copy holds it ({@link DigestTable.adopt}): the arrays hold at least
 * `mask + 1` slots, `size` entries and `keyUsed` key bytes.
 */
export interface TableImage {
  size: number;
  keyUsed: number;
  mask: number;
  slots: Int32Array | Uint32Array;
  ints: Int32Array;
  nums: Float64Array;
  keyBytes: Uint8Array;
  /**
   * When given, the image's Float64 rows are only what changed: `nums` holds the new entries'
   * rows (row 0: the first entry past those the adopting table holds), and only the
   * entries listed in `merged.entries` were merged into, `merged.rows` holding what was merged into
   * each (a row started empty, at the entry's index in the list): {@link DigestTable.adopt} adds
   * those rows to its own and reads no other. Rows are exact two-word sums, a minimum, a maximum
   * and a count, so adding the merged rows' total gives what adding them one by one gives.
   */
  merged?: { entries: Int32Array | Uint32Array; rows: Float64Array };
  /** When given, the only slots that changed (the slots new entries took; the mask unchanged). */
  newSlots?: Int32Array | Uint32Array;
}

/** The read-only columns of a table, as held by {@link DigestTable} or unpacked from a buffer. */
export interface TableView {
  readonly size: number;
  readonly keyBytes: Uint8Array;
  readonly ints: Int32Array;
  readonly nums: Float64Array;
  /** The side column of lost packets ({@link LOST_STRIDE} per entry), when the table has one. */
  readonly lost?: Float64Array | null;
}

function segmentsEqual(
  kb: Uint8Array,
  kv: DataView,
  ko: number,
  klen: number,
  buf: Uint8Array,
  view: DataView,
  seg: Int32Array,
): boolean {
  let k = ko;
  const kend = ko + klen;
  for (let j = 0; j < 10; j += 2) {
    if (j > 0) {
      if (k >= kend || kb[k] !== 0) return false;
      k++;
    }
    const s = seg[j];
    if (s < 0) {
      if (k >= kend || kb[k] !== 45) return false;
      k++;
      continue;
    }
    const e = seg[j + 1];
    if (k + (e - s) > kend) return false;
    let i = s;
    for (; i + 4 <= e; i += 4, k += 4) if (kv.getUint32(k, true) !== view.getUint32(i, true)) return false;
    for (; i < e; i++, k++) if (kb[k] !== buf[i]) return false;
  }
  return k === kend;
}

/**
 * Add the values at `src[s, s + NUM_STRIDE)` into `dst[d, d + NUM_STRIDE)`: two-word sums,
 * min start, max end, records.
 */
export function addValues(dst: Float64Array, d: number, src: Float64Array, s: number): void {
  let lo = dst[d + N_PKTLO] + src[s + N_PKTLO],
    hi = dst[d + N_PKTHI] + src[s + N_PKTHI];
  if (lo >= TWO52) {
    hi += 1;
    lo -= TWO52;
  }
  dst[d + N_PKTLO] = lo;
  dst[d + N_PKTHI] = hi;
  lo = dst[d + N_BYTELO] + src[s + N_BYTELO];
  hi = dst[d + N_BYTEHI] + src[s + N_BYTEHI];
  if (lo >= TWO52) {
    hi += 1;
    lo -= TWO52;
  }
  dst[d + N_BYTELO] = lo;
  dst[d + N_BYTEHI] = hi;
  if (src[s + N_START] < dst[d + N_START]) dst[d + N_START] = src[s + N_START];
  if (src[s + N_END] > dst[d + N_END]) dst[d + N_END] = src[s + N_END];
  dst[d + N_RECORDS] += src[s + N_RECORDS];
}

/** Add the lost-packet sums at `src[s, s + LOST_STRIDE)` into `dst[d, d + LOST_STRIDE)`, two words each. */
export function addLostValues(dst: Float64Array, d: number, src: Float64Array, s: number): void {
  for (let i = 0; i < LOST_STRIDE; i += 2) {
    let lo = dst[d + i] + src[s + i];
    let hi = dst[d + i + 1] + src[s + i + 1];
    if (lo >= TWO52) {
      hi += 1;
      lo -= TWO52;
    }
    dst[d + i] = lo;
    dst[d + i + 1] = hi;
  }
}

/**
 * Which of `parts` partitions a key of this hash belongs to. The hash is mixed first: the table
 * itself uses its low bits for slots.
 */
export function partitionOf(hash: number, parts: number): number {
  return (Math.imul(hash, PARTITION_MUL) >>> 0) % parts;
}

/**
 * Lay a table's entries out in `order` (a permutation of its entries), in place: afterwards entry
 * i is what entry order[i] was, and the key bytes follow the entries. A sorted run laid out so
 * has each range of its order as one slice of each column, which the kernel copies whole. The
 * hash slots are not rebuilt: the table is for reading from then on (merging, formatting).
 */
export function layOutInOrder(t: TableView, order: Int32Array): void {
  const n = t.size;
  const ints0 = t.ints.slice(0, n * INT_STRIDE),
    nums0 = t.nums.slice(0, n * NUM_STRIDE);
  let keyEnd = 0;
  for (let e = 0; e < n; e++) {
    const end = ints0[e * INT_STRIDE + I_KEYOFF] + ints0[e * INT_STRIDE + I_KEYLEN];
    if (end > keyEnd) keyEnd = end;
  }
  const keys0 = t.keyBytes.slice(0, keyEnd);
  const lost = t.lost ?? null,
    lost0 = lost === null ? null : lost.slice(0, n * LOST_STRIDE);
  const ints = t.ints,
    nums = t.nums,
    kb = t.keyBytes;
  let ko = 0;
  for (let i = 0; i < n; i++) {
    const e = order[i],
      s = e * INT_STRIDE,
      d = i * INT_STRIDE;
    for (let c = 0; c < INT_STRIDE; c++) ints[d + c] = ints0[s + c];
    const off = ints0[s + I_KEYOFF],
      len = ints0[s + I_KEYLEN];
    for (let j = 0; j < len; j++) kb[ko + j] = keys0[off + j];
    ints[d + I_KEYOFF] = ko;
    ko += len;
    const sn = e * NUM_STRIDE,
      dn = i * NUM_STRIDE;
    for (let c = 0; c < NUM_STRIDE; c++) nums[dn + c] = nums0[sn + c];
    if (lost0 !== null) lost!.set(lost0.subarray(e * LOST_STRIDE, (e + 1) * LOST_STRIDE), i * LOST_STRIDE);
  }
}
