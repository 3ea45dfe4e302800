/**
 * The WebAssembly scan kernel (src/format/wasm/scan.c): the common flow-log line, parsed and
 * aggregated in compiled code. The Scanner drives it and handles every line it hands back.
 * One kernel per thread; it is compiled once, on first use. The numbers both sides share (roles,
 * table columns, counter slots, hash, input bound) come from ../table/contract.ts, generated with
 * the C header from wasm/contract.json.
 */
import { COL, type DigestTable, type MemoryBudget, type TableView } from '../table/table.js';
import { DEFAULT_KEY, type KeySchema, sortShape } from '../table/key-schema.js';
import { InvalidOptionError, KernelError } from '../errors.js';
import { Role, type Layout } from './layout.js';
import { fieldSlots, type KeyPlan } from './key.js';
import {
  COPY_ALIGN,
  INT_STRIDE,
  KERNEL_COUNTER_COUNT,
  KERNEL_FILTER_BYTES,
  KERNEL_INPUT_BYTES,
  KERNEL_KEY_SLOTS,
  KERNEL_NAME_BYTES,
  NUM_STRIDE,
  ROLE_COUNT,
} from '../table/contract.js';
import { SCAN_LEAN_WASM_BASE64, SCAN_WASM_BASE64 } from './wasm/scan-wasm.js';
import { dropped } from '../util/reclaim.js';
import { compileWasm, instantiateWasm, type WasmModule } from '../util/wasm-compile.js';
import { type GrowableMemory, KernelMemory } from './kernel-memory.js';

interface Exports {
  memory: GrowableMemory;
  input_ptr(): number;
  column_of_ptr(): number;
  counters_ptr(): number;
  table_size(): number;
  table_ints(): number;
  table_nums(): number;
  table_keys(): number;
  table_key_used(): number;
  set_memory_limit(bytes: number): void;
  configure(ncols: number, windowed: number, ws: number, we: number, slots: number, numbers: number): void;
  key_cols_ptr(): number;
  filter_values_ptr(): number;
  set_filters(accounts: number, regions: number): void;
  clear(cap: number): number;
  clear_like_last(cap: number): number;
  scan(from: number, to: number): number;
  sort_prepare(n: number, keyBytes: number): number;
  sort_ints_ptr(): number;
  sort_keys_ptr(): number;
  sort_entries(n: number, tailFields: number, numFirst: number, numCount: number): number;
  sort_nums_ptr(): number;
  lay_keys_ptr(): number;
  lay_ints_ptr(): number;
  lay_nums_ptr(): number;
  lay_prepare(window: number): number;
  sort_layout(from: number, count: number, shift: number): number;
  lay_nums_window(from: number, count: number): void;
  set_sort_batch(entries: number): void;
  set_scan_batch_from(slots: number): void;
  part_meta_ptr(): number;
  part_base_ptr(): number;
  partition_rows(parts: number): number;
  run_prepare(
    slotCount: number,
    size: number,
    keyUsed: number,
    keyCap: number,
    moreRows: number,
    moreKeys: number,
    srcBytes: number,
  ): number;
  run_merge(nums: number, ints: number, keys: number, rows: number): number;
  run_slots_ptr(): number;
  run_ints_ptr(): number;
  run_nums_ptr(): number;
  run_keys_ptr(): number;
  run_src_ptr(): number;
  run_mask(): number;
  run_size(): number;
  run_key_used(): number;
  run_source_at(from: number, bytes: number, to: number): void;
  run_touched_ptr(): number;
  run_touched_count(): number;
  run_touched_nums_ptr(): number;
  run_new_slots_ptr(): number;
  run_new_slot_count(): number;
  merge_prepare(entries: number, runs: number, keyBytes: number, outBytes: number): number;
  merge_ints_ptr(): number;
  merge_nums_ptr(): number;
  merge_keys_ptr(): number;
  merge_out_ptr(): number;
  merge_script_ptr(): number;
  merge_runs_ptr(): number;
  merge_count(): number;
  render_text(packetsSeen: number, bytesSeen: number, replay: number, rows: number): number;
  render_ndjson(packetsSeen: number, bytesSeen: number, replay: number, rows: number): number;
  render_keyed_text(packetsSeen: number, bytesSeen: number, replay: number, rows: number, fields: number): number;
  render_keyed_ndjson(packetsSeen: number, bytesSeen: number, replay: number, rows: number, fields: number): number;
  render_where_ptr(): number;
  render_names_ptr(): number;
  render_name_at_ptr(): number;
  render_partial(replay: number, rows: number): number;
  partial_key_bytes(): number;
  partial_crc(): number;
}

/** Partitions the kernel splits a scan table into at most (its MAX_PARTS). */
export const KERNEL_MAX_PARTS = 64;

/** One partition's rows of a scan table, packed as digest/collector.ts's PackedRows lays them out. */
export interface KernelBlock {
  rows: number;
  keyBytes: number;
  /** The block's bytes in the kernel's memory (valid until the kernel's next call). */
  bytes: Uint8Array;
  /** The block as a table (views over `bytes`). */
  view: TableView;
}

/** Runs the kernel merges at once (its MAX_MERGE_RUNS): a run mask fits one byte. */
export const KERNEL_MERGE_RUNS = 8;

/**
 * One range of sorted runs as the kernel takes it: run t's part is its entries
 * `[first[t], first[t] + count[t])`, already in canonical order (a run table laid out in its
 * order, as the engine's sort task leaves it).
 */
export interface KernelRange {
  tables: readonly TableView[];
  first: readonly number[];
  count: readonly number[];
  /**
   * Each table is laid out in its order (the sort task's doing): an entry's key bytes follow the
   * previous entry's, so a part's keys span its first entry's to its last's, read without a pass
   * over its rows.
   */
  laidOut?: boolean;
}

/** A range's merged rows as {@link WasmKernel.partialRows} copies them out. */
export interface PartialRows {
  rows: number;
  keyBytes: number;
  /** Float64 columns, Int32 columns, key bytes, back to back. */
  bytes: Uint8Array;
  /** The CRC-32C of `bytes`. */
  crc32c: number;
}

/** Slots of the kernel's first table; it grows by doubling. */
const START_SLOTS = 16384;

/** Options of {@link WasmKernel.load}. */
export interface KernelOptions {
  /**
   * Bytes of linear memory the kernel's heap may reach. Past it the kernel reports out of memory
   * and the scanner carries on in JavaScript, as it does when memory cannot grow at all.
   * @default no cap but WebAssembly's own (4 GiB)
   */
  memoryLimit?: number;
  /**
   * Start with the lean kernel: scan.c without what a digest under the v2 key written as text
   * never calls (NDJSON, keyed and partial renders; keys read by column). It compiles in about
   * a quarter less time (every function is optimized at compile, in each process); the first
   * call that needs more widens it to the full kernel, in place (a fresh instance: a call that
   * widens keeps nothing of the lean one's memory, and needs nothing of it).
   * @default false
   */
  lean?: boolean;
}

/** The two modules, compiled on first use (null: this runtime cannot compile them). */
const compiled: { full?: WasmModule | null; lean?: WasmModule | null } = {};

function moduleOf(lean: boolean): WasmModule | null {
  const which = lean ? 'lean' : 'full';
  if (compiled[which] === undefined) {
    try {
      compiled[which] = compileWasm(lean ? SCAN_LEAN_WASM_BASE64 : SCAN_WASM_BASE64);
    } catch {
      compiled[which] = null;
    }
  }
  return compiled[which];
}

/** A new instance of the kernel and the meter of its memory, or null where none can start. */
function instantiate(lean: boolean, memoryLimit: number): { x: Exports; meter: KernelMemory } | null {
  const module = moduleOf(lean);
  if (module === null) return null;
  const meter = new KernelMemory();
  let x: Exports;
  try {
    x = instantiateWasm(module, { env: { grow_memory: (pages: number) => meter.grow(pages) } }) as Exports;
  } catch {
    // No memory for an instance (its first pages): this thread scans in JavaScript.
    return null;
  }
  x.set_memory_limit(memoryLimit);
  meter.attach(x.memory);
  return { x, meter };
}

export class WasmKernel {
  /** The budget {@link chargeTo} named last (a widened kernel's memory is charged to it too). */
  private budget: MemoryBudget | null = null;

  private constructor(
    private x: Exports,
    private meter: KernelMemory,
    private lean: boolean,
    private readonly memoryLimit: number,
  ) {}

  /** This thread's kernel, or null where it cannot run (or FLOWDIGEST_NO_WASM=1 asks for pure JS). */
  static load(options: KernelOptions = {}): WasmKernel | null {
    const limit = options.memoryLimit;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0 && limit < 2 ** 32)) {
      throw new InvalidOptionError('memoryLimit', `must be a whole number of bytes in [1, 2^32), got ${String(limit)}`);
    }
    if (process.env.FLOWDIGEST_NO_WASM === '1') return null;
    const lean = options.lean === true;
    const made = instantiate(lean, limit ?? 0);
    return made === null ? null : new WasmKernel(made.x, made.meter, lean, limit ?? 0);
  }

  /** Whether this is still the lean kernel (see {@link KernelOptions.lean}). */
  get isLean(): boolean {
    return this.lean;
  }

  /**
   * The full kernel in place of the lean one: a fresh instance, charged to the same budget. Only
   * at the start of a call (nothing of the lean instance's memory is kept). False when the full
   * kernel cannot start here (the caller then goes on in JavaScript, as without a kernel).
   */
  private widen(): boolean {
    if (!this.lean) return true;
    const full = instantiate(false, this.memoryLimit);
    if (full === null) return false;
    const budget = this.budget;
    this.meter.release();
    dropped(this.x.memory.buffer.byteLength);
    this.x = full.x;
    this.meter = full.meter;
    this.lean = false;
    // A fresh instance is charged nothing past its start: this cannot pass the budget.
    if (budget !== null) this.chargeTo(budget);
    return true;
  }

  /**
   * The kernel now serves a task of the run whose budget is `budget`: its memory past its
   * start is charged to that budget (moved from the run charged before), and so is every
   * growth until the next call. Throws MemoryLimitError when what it holds does not fit.
   */
  chargeTo(budget: MemoryBudget): void {
    this.meter.chargeTo(budget);
    this.budget = budget;
  }

  /** Give back what the kernel's memory is charged (it is being dropped). */
  releaseCharge(): void {
    this.meter.release();
    this.budget = null;
  }

  /**
   * Start an object: its layout, window and key, zeroed counters, an empty table. False if out of
   * memory or the key has more string fields than the kernel holds (the caller then scans the
   * object in JavaScript).
   */
  start(
    layout: Layout,
    windowStart: number,
    windowEnd: number,
    windowed: boolean,
    key: KernelKey = v2KeyOf(layout),
    filter: KernelFilter = {},
  ): boolean {
    const slots = key.columns.length;
    if (slots > KERNEL_KEY_SLOTS) return false;
    // The lean kernel's scan takes the v2 key only.
    if (!key.byRole && !this.widen()) return false;
    if (!this.setFilters(filter)) return false;
    const buf = this.x.memory.buffer;
    new Int32Array(buf, this.x.column_of_ptr(), ROLE_COUNT).set(layout.columnOf);
    new Int32Array(buf, this.x.key_cols_ptr(), slots).set(key.columns);
    const numbers = (key.srcport ? 1 : 0) | (key.dstport ? 2 : 0) | (key.protocol ? 4 : 0) | (key.byRole ? 8 : 0);
    this.x.configure(layout.roles.length, windowed ? 1 : 0, windowStart, windowEnd, slots, numbers);
    // At the size the last object's table reached: no doublings mid-object at high cardinality.
    return this.x.clear_like_last(START_SLOTS) === 1;
  }

  /**
   * Hand the kernel the account and region filters, each value as its length byte and its bytes
   * (latin1, as the scanner reads fields). False when it cannot hold them: too many bytes, a
   * value longer than 255 bytes, or a filter none of whose values a field could equal (it would
   * read as no filter).
   */
  private setFilters(filter: KernelFilter): boolean {
    const bytes: number[] = [];
    const put = (values: ReadonlySet<string> | undefined): number | null => {
      if (values === undefined) return 0;
      let n = 0;
      for (const v of values) {
        // A character past latin1 is in no field (the scanner reads them as latin1): never equal.
        if (/[^\u0000-\u00ff]/.test(v)) continue;
        if (v.length > 255) return null;
        bytes.push(v.length, ...Buffer.from(v, 'latin1'));
        n++;
      }
      return n === 0 ? null : n;
    };
    const accounts = put(filter.accounts),
      regions = put(filter.regions);
    if (accounts === null || regions === null || bytes.length > KERNEL_FILTER_BYTES) return false;
    new Uint8Array(this.x.memory.buffer, this.x.filter_values_ptr(), bytes.length).set(bytes);
    this.x.set_filters(accounts, regions);
    return true;
  }

  /**
   * Scan the complete lines of `buf[s, e)` (e just past a newline; at most KERNEL_INPUT_BYTES).
   * Returns e when all were handled, else the offset of the first line left to the caller; with
   * `outOfMemory` set when the kernel stopped there because its table could not grow (nothing of
   * that line was counted or stored). The range is copied in on the first call (from === s);
   * calls that resume after a line the caller handled reuse that copy.
   */
  scan(buf: Uint8Array, s: number, e: number, from = s): number {
    if (e - s > KERNEL_INPUT_BYTES || from < s || from > e) {
      throw new KernelError(
        `scan range [${s}, ${e}) from ${from}: the range must fit the kernel's ` +
          `${KERNEL_INPUT_BYTES}-byte input and hold its start`,
        { field: 'range' },
      );
    }
    if (from === s) new Uint8Array(this.x.memory.buffer, this.x.input_ptr(), e - s).set(buf.subarray(s, e));
    const r = this.x.scan(from - s, e - s);
    this.stoppedOutOfMemory = r < 0;
    return s + (r < 0 ? -1 - r : r);
  }

  private stoppedOutOfMemory = false;

  /** Whether the last {@link scan} stopped because the kernel ran out of memory. */
  get outOfMemory(): boolean {
    return this.stoppedOutOfMemory;
  }

  /** The counters so far (a fresh view: memory may have grown). */
  counters(): Float64Array {
    return new Float64Array(this.x.memory.buffer, this.x.counters_ptr(), KERNEL_COUNTER_COUNT);
  }

  /**
   * The entries of `t` in the canonical order of `key` (see {@link KeySchema}), sorted in the
   * kernel: a radix sort of byte-comparable keys (most-significant 8-byte word first; LSD byte
   * passes or quicksort within a word), the same order as digest/order.ts's canonicalOrder. Drops the kernel's scan table (the next object starts
   * another). Null when the kernel's memory cannot hold the sort: the caller sorts in JavaScript.
   */
  order(t: TableView, key: KeySchema = DEFAULT_KEY): Int32Array<SharedArrayBuffer> | null {
    const n = t.size,
      ints = t.ints;
    let keyEnd = 0;
    for (let b = 0; b < n * INT_STRIDE; b += INT_STRIDE) {
      const end = ints[b + COL.I_KEYOFF] + ints[b + COL.I_KEYLEN];
      if (end > keyEnd) keyEnd = end;
    }
    const x = this.x;
    if (x.sort_prepare(n, keyEnd) !== 1) return null;
    new Int32Array(x.memory.buffer, x.sort_ints_ptr(), n * INT_STRIDE).set(ints.subarray(0, n * INT_STRIDE));
    new Uint8Array(x.memory.buffer, x.sort_keys_ptr(), keyEnd).set(t.keyBytes.subarray(0, keyEnd));
    const { tailFields, numFirst, numCount } = sortShape(key);
    const at = x.sort_entries(n, tailFields, numFirst, numCount);
    if (at === 0) return null;
    const order = new Int32Array(new SharedArrayBuffer(n * 4));
    order.set(new Int32Array(x.memory.buffer, at, n));
    return order;
  }

  /**
   * @internal Tests: the least entries of one batch of the sort (0: the default, 65536), so
   * that tiny batches can be forced. The order does not depend on it.
   */
  setSortBatch(entries: number): void {
    this.x.set_sort_batch(entries);
  }

  /**
   * @internal Tests: the least slots of a scan table that the scan takes in batches (0: the
   * default, 131072), so that the batched scan can be forced on small tables. The table does not
   * depend on it.
   */
  setScanBatchFrom(slots: number): void {
    this.x.set_scan_batch_from(slots);
  }

  /**
   * Lay `t` out in the order the last {@link order} call returned for it (table.ts's
   * layOutInOrder, done here): entry i becomes what entry order[i] was, its key bytes back to
   * back in that order. False when the kernel's memory cannot hold it (nothing of `t` changed).
   */
  layOut(t: TableView): boolean {
    const x = this.x,
      n = t.size;
    if (n === 0) return true;
    const window = Math.min(n, 1 << 15);
    const keyRoom = x.lay_prepare(window);
    if (keyRoom === 0) return false;
    // After lay_prepare, whose allocations may grow (and so replace) the memory's buffer.
    const buf = x.memory.buffer;
    const ints = new Int32Array(buf, x.lay_ints_ptr(), window * INT_STRIDE),
      nums = new Float64Array(buf, x.lay_nums_ptr(), window * NUM_STRIDE),
      keys = new Uint8Array(buf, x.lay_keys_ptr(), keyRoom);
    // The Int32 columns and keys first: the Float64 columns are then copied in over the kernel's
    // copy of them (when they fit there), so the layout takes no more memory than the sort.
    let ko = 0;
    for (let from = 0; from < n; from += window) {
      const count = Math.min(window, n - from);
      // The keys lie in the window as they will in the table, modulo COPY_ALIGN (see alignedLike).
      const shift = alignedLike(0, ko);
      const kb = x.sort_layout(from, count, shift);
      t.ints.set(ints.subarray(0, count * INT_STRIDE), from * INT_STRIDE);
      t.keyBytes.set(keys.subarray(shift, shift + kb), ko);
      ko += kb;
    }
    new Float64Array(buf, x.sort_nums_ptr(), n * NUM_STRIDE).set(t.nums.subarray(0, n * NUM_STRIDE));
    for (let from = 0; from < n; from += window) {
      const count = Math.min(window, n - from);
      x.lay_nums_window(from, count);
      t.nums.set(nums.subarray(0, count * NUM_STRIDE), from * NUM_STRIDE);
    }
    return true;
  }

  /**
   * Copy a range in (dropping the scan table), with `outPerRow` output bytes a row besides the
   * key bytes, and the values unless `values` is false (a count reads keys only). False when it
   * does not fit (the caller merges in JavaScript).
   */
  private loadRange(r: KernelRange, outPerRow: number, script?: Uint8Array, values = true): boolean {
    const runs = r.tables.length;
    if (runs < 1 || runs > KERNEL_MERGE_RUNS) return false;
    let entries = 0,
      keyBytes = 0;
    const kmin: number[] = [],
      kmax: number[] = [];
    for (let t = 0; t < runs; t++) {
      const [lo, hi] = r.laidOut ? keySpan(r.tables[t].ints, r.first[t], r.count[t]) : scatteredKeySpan(r, t);
      // Keys scattered through the table (not laid out in order): not worth copying.
      if (hi < 0) return false;
      kmin.push(lo);
      kmax.push(hi);
      entries += r.count[t];
      keyBytes += hi - lo;
    }
    const x = this.x;
    // Room for each run's keys to start a few bytes on, aligned as in its table (see below).
    const keyRoom = keyBytes + (COPY_ALIGN - 1) * runs;
    if (x.merge_prepare(entries, runs, keyRoom, keyBytes * 2 + entries * outPerRow + 64) !== 1) return false;
    const buf = x.memory.buffer;
    const meta = new Int32Array(buf, x.merge_runs_ptr(), 3 * KERNEL_MERGE_RUNS);
    const ints = new Int32Array(buf, x.merge_ints_ptr(), entries * INT_STRIDE),
      nums = new Float64Array(buf, x.merge_nums_ptr(), entries * NUM_STRIDE),
      keys = new Uint8Array(buf, x.merge_keys_ptr(), keyRoom);
    let at = 0,
      kat = 0;
    for (let t = 0; t < runs; t++) {
      const tb = r.tables[t],
        f = r.first[t],
        n = r.count[t];
      kat = alignedLike(kat, kmin[t]);
      meta[t] = at;
      meta[KERNEL_MERGE_RUNS + t] = n;
      meta[2 * KERNEL_MERGE_RUNS + t] = kat - kmin[t];
      ints.set(tb.ints.subarray(f * INT_STRIDE, (f + n) * INT_STRIDE), at * INT_STRIDE);
      if (values) nums.set(tb.nums.subarray(f * NUM_STRIDE, (f + n) * NUM_STRIDE), at * NUM_STRIDE);
      keys.set(tb.keyBytes.subarray(kmin[t], kmax[t]), kat);
      at += n;
      kat += kmax[t] - kmin[t];
    }
    if (script) new Uint8Array(buf, x.merge_script_ptr(), script.length).set(script);
    return true;
  }

  /**
   * Merge a range (as digest/runs.ts's countRange does): its rows and the script that replays
   * the merge (one run mask a row). Null when the kernel cannot take it.
   */
  countRange(r: KernelRange): { rows: number; script: Uint8Array } | null {
    if (!this.loadRange(r, 0, undefined, false)) return null;
    const rows = this.x.merge_count();
    return { rows, script: new Uint8Array(this.x.memory.buffer, this.x.merge_script_ptr(), rows).slice() };
  }

  /**
   * Merge a range and format it as text digest rows (exactly digest/format.ts's RowWriter text),
   * replaying `script` when given. Null when the kernel cannot take the range or a value in it
   * (a sum or time outside what it writes exactly): the caller renders it in JavaScript.
   */
  renderText(
    r: KernelRange,
    seen: { packetsSeen: boolean; bytesSeen: boolean },
    script?: Uint8Array,
  ): Uint8Array | null {
    return this.render('text', r, seen, script);
  }

  /**
   * Merge a range and format it in `format`: exactly digest/format.ts's RowWriter, replaying
   * `script` when given. Null when the kernel cannot take the range, or a row in it that it
   * leaves to JavaScript (a sum or time outside what it writes exactly; for NDJSON, a string
   * that needs escaping or is not ASCII): the caller renders the range in JavaScript.
   */
  render(
    format: 'text' | 'ndjson',
    r: KernelRange,
    seen: { packetsSeen: boolean; bytesSeen: boolean },
    script?: Uint8Array,
    key?: KeyPlan,
  ): Uint8Array | null {
    // A key other than v2's: where each field lies in an entry, and (NDJSON) each field's name.
    const where = key === undefined || key.isDefault ? null : fieldSlots(key);
    const names = where === null || format === 'text' ? null : keyNames(key!);
    if (where !== null && where.length > KERNEL_KEY_SLOTS + 3) return null;
    if (names !== null && names.bytes.length > KERNEL_NAME_BYTES) return null;
    // The lean kernel writes v2-key text only.
    if ((format !== 'text' || where !== null) && !this.widen()) return null;
    // A row's numbers, separators and (NDJSON) names besides its key bytes: 3 ports, 2 sums of
    // up to 32 digits, 2 times, the records.
    if (!this.loadRange(r, (format === 'text' ? 140 : 340) + (names?.bytes.length ?? 0), script)) return null;
    const x = this.x;
    const seenP = seen.packetsSeen ? 1 : 0,
      seenB = seen.bytesSeen ? 1 : 0,
      replay = script ? 1 : 0,
      rows = script?.length ?? 0;
    const buf = x.memory.buffer;
    if (where !== null) new Int32Array(buf, x.render_where_ptr(), where.length).set(where);
    if (names !== null) {
      new Uint8Array(buf, x.render_names_ptr(), names.bytes.length).set(names.bytes);
      new Int32Array(buf, x.render_name_at_ptr(), names.at.length).set(names.at);
    }
    const n =
      where === null
        ? format === 'text'
          ? x.render_text(seenP, seenB, replay, rows)
          : x.render_ndjson(seenP, seenB, replay, rows)
        : format === 'text'
          ? x.render_keyed_text(seenP, seenB, replay, rows, where.length)
          : x.render_keyed_ndjson(seenP, seenB, replay, rows, where.length);
    if (n < 0) return null;
    return new Uint8Array(x.memory.buffer, x.merge_out_ptr(), n).slice();
  }

  /**
   * Merge a range and copy its rows out as a binary partial's partition lays them out (exactly
   * what digest/collector.ts's RowCollector collects from RunCursor): Float64 columns, Int32
   * columns (key offsets within the partition's keys), key bytes, back to back in `bytes` (a view
   * of the kernel's memory, valid until its next call), with their CRC-32C. Replays `script` when
   * given. Null when the kernel cannot take the range: the caller collects it in JavaScript.
   */
  partialRows(r: KernelRange, script?: Uint8Array): PartialRows | null {
    // Not in the lean kernel.
    if (!this.widen() || !this.loadRange(r, NUM_STRIDE * 8 + INT_STRIDE * 4, script)) return null;
    const x = this.x;
    const rows = x.render_partial(script ? 1 : 0, script?.length ?? 0),
      keyBytes = x.partial_key_bytes();
    const size = rows * (NUM_STRIDE * 8 + INT_STRIDE * 4) + keyBytes;
    return {
      rows,
      keyBytes,
      bytes: new Uint8Array(x.memory.buffer, x.merge_out_ptr(), size),
      crc32c: x.partial_crc() >>> 0,
    };
  }

  /**
   * The scan table split by partition (table.ts partitionOf of each key's hash over `parts`),
   * one packed block each. Null when the kernel cannot (out of memory, too many parts): the
   * caller routes {@link table}'s rows itself.
   */
  partition(parts: number): KernelBlock[] | null {
    const x = this.x;
    if (parts < 1 || parts > KERNEL_MAX_PARTS || x.partition_rows(parts) !== 1) return null;
    const buf = x.memory.buffer,
      base = x.part_base_ptr();
    const meta = new Int32Array(buf, x.part_meta_ptr(), 3 * KERNEL_MAX_PARTS);
    const out: KernelBlock[] = [];
    for (let q = 0; q < parts; q++) {
      const at = base + meta[q],
        rows = meta[KERNEL_MAX_PARTS + q],
        keyBytes = meta[2 * KERNEL_MAX_PARTS + q];
      const numBytes = rows * NUM_STRIDE * 8,
        intBytes = rows * INT_STRIDE * 4;
      out.push({
        rows,
        keyBytes,
        bytes: new Uint8Array(buf, at, numBytes + intBytes + keyBytes),
        view: {
          size: rows,
          nums: new Float64Array(buf, at, rows * NUM_STRIDE),
          ints: new Int32Array(buf, at + numBytes, rows * INT_STRIDE),
          keyBytes: new Uint8Array(buf, at + numBytes + intBytes, keyBytes),
        },
      });
    }
    return out;
  }

  /**
   * Merge `sources` (each a table's rows: the kernel's own scan table or a block of it, or packed
   * rows from anywhere) into the run table `run`, as `run.mergeFrom` does each in turn, in the
   * kernel: the run table's slots, Int32 columns and key bytes are copied in (not its Float64
   * rows: the kernel sums what it merges into them), the rows merged row for row as
   * DigestTable.upsert would, and what changed copied back ({@link DigestTable.adopt}): the
   * same table, slot for slot.
   * When the kernel's memory cannot hold the merge, it is done in JavaScript (the same table);
   * returns whether the kernel did it. Views over the kernel's memory must be the last call's
   * (a block of {@link partition}, or {@link table}). Drops the kernel's scan table.
   * Run tables are resident (format/resident-table.ts) and merged there; this merges into one
   * moved to JavaScript's columns (a memory that could not grow, or made without the module).
   */
  mergeInto(run: DigestTable, sources: readonly TableView[]): boolean {
    const x = this.x,
      st = run.state();
    // Rows in the kernel's memory (its scan table or a block of it) are copied out first: the
    // heap is then rewound, so the run table's copy takes the scan table's place instead of
    // adding to it (the kernel's memory never shrinks: its high-water mark is what it costs).
    // One of them laid out as the sources are laid out for the merge (a block of partition_rows:
    // Float64 rows, Int32 rows and key bytes back to back) is moved in the kernel instead, into
    // the sources' room that run_prepare places first.
    const mem = x.memory.buffer;
    let copied = 0,
      moved = -1,
      movedFrom = 0;
    const rows: TableView[] = sources.map((v, i) => {
      if (v.ints.buffer !== mem) return v;
      if (moved < 0 && laidOutAsSource(v)) {
        moved = i;
        movedFrom = v.nums.byteOffset;
        return v;
      }
      copied += v.nums.byteLength + v.ints.byteLength + v.keyBytes.byteLength;
      return { size: v.size, nums: v.nums.slice(), ints: v.ints.slice(), keyBytes: v.keyBytes.slice() };
    });
    // Garbage once the merge returns.
    dropped(copied);
    // The sources' room: the moved source's first, then one room the others take in turn, each
    // copied in just before it is merged (not all at once: two hand-offs of 64 k rows at 40%
    // would take 10 MB more of the kernel's memory, which keeps its high-water mark).
    let moreRows = 0,
      moreKeys = 0,
      movedRoom = 0,
      otherRoom = 0;
    rows.forEach((v, i) => {
      moreRows += v.size;
      moreKeys += v.keyBytes.length;
      const room = v.size * (NUM_STRIDE * 8 + INT_STRIDE * 4) + ((v.keyBytes.length + 7) & ~7);
      if (i === moved) movedRoom = room;
      else otherRoom = Math.max(otherRoom, room);
    });
    const at = rows.map((_, i) => (i === moved ? 0 : movedRoom));
    const srcBytes = movedRoom + otherRoom;
    // Out of memory: JavaScript merges, the same table. (The moved source's views are made
    // again: the kernel's memory may have grown, which ends views over it.)
    const movedSize = moved < 0 ? 0 : rows[moved].size,
      movedKeys = moved < 0 ? 0 : rows[moved].keyBytes.length;
    const inJavaScript = (movedAt = movedFrom) => {
      if (moved >= 0) rows[moved] = sourceView(x.memory.buffer, movedAt, movedSize, movedKeys);
      for (const v of rows) run.mergeFrom(v);
      return false;
    };
    const slotCount = st.mask + 1;
    // Sizes the kernel's 32-bit arguments cannot carry (wasm32 could not hold them either).
    if (srcBytes >= 2 ** 31 || moreKeys + st.keyBytes.length >= 2 ** 31 || moreRows + st.size >= 2 ** 28) {
      return inJavaScript();
    }
    if (moved >= 0) x.run_source_at(movedFrom, sourceBytes(movedSize, movedKeys), at[moved]);
    if (x.run_prepare(slotCount, st.size, st.keyUsed, st.keyBytes.length, moreRows, moreKeys, srcBytes) !== 1) {
      return inJavaScript();
    }
    const buf = x.memory.buffer;
    new Int32Array(buf, x.run_slots_ptr(), slotCount).set(st.slots.subarray(0, slotCount));
    new Int32Array(buf, x.run_ints_ptr(), st.size * INT_STRIDE).set(st.ints.subarray(0, st.size * INT_STRIDE));
    new Uint8Array(buf, x.run_keys_ptr(), st.keyUsed).set(st.keyBytes.subarray(0, st.keyUsed));
    const src = x.run_src_ptr();
    for (let i = 0; i < rows.length; i++) {
      const size = i === moved ? movedSize : rows[i].size;
      const n = src + at[i],
        i0 = n + size * NUM_STRIDE * 8,
        k = i0 + size * INT_STRIDE * 4;
      if (i !== moved) {
        const v = rows[i];
        new Float64Array(buf, n, v.size * NUM_STRIDE).set(v.nums.subarray(0, v.size * NUM_STRIDE));
        new Int32Array(buf, i0, v.size * INT_STRIDE).set(v.ints.subarray(0, v.size * INT_STRIDE));
        new Uint8Array(buf, k, v.keyBytes.length).set(v.keyBytes);
      }
      if (size > 0 && x.run_merge(n, i0, k, size) !== 1) return inJavaScript(moved < 0 ? 0 : src + at[moved]);
    }
    const mask = x.run_mask(),
      size = x.run_size(),
      keyUsed = x.run_key_used(),
      newSlots = x.run_new_slot_count(),
      touched = x.run_touched_count();
    // The old entries' rows are not copied in (run_merge starts a row of its own for each it
    // merges into) and only what changed comes back: the rows merged into old entries, the new
    // entries (their rows alone), the slots they took.
    run.adopt({
      merged: {
        entries: new Uint32Array(buf, x.run_touched_ptr(), touched),
        rows: new Float64Array(buf, x.run_touched_nums_ptr(), touched * NUM_STRIDE),
      },
      newSlots: newSlots < 0 ? undefined : new Uint32Array(buf, x.run_new_slots_ptr(), newSlots),
      size,
      keyUsed,
      mask,
      slots: new Int32Array(buf, x.run_slots_ptr(), mask + 1),
      ints: new Int32Array(buf, x.run_ints_ptr(), size * INT_STRIDE),
      nums: new Float64Array(buf, x.run_nums_ptr(), (size - st.size) * NUM_STRIDE),
      keyBytes: new Uint8Array(buf, x.run_keys_ptr(), keyUsed),
    });
    return true;
  }

  /** Bytes of the kernel's linear memory (it never shrinks). */
  get memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }

  /** The kernel's table, as views over its memory (valid until the next scan or start). */
  table(): TableView {
    const buf = this.x.memory.buffer,
      size = this.x.table_size();
    return {
      size,
      ints: new Int32Array(buf, this.x.table_ints(), size * INT_STRIDE),
      nums: new Float64Array(buf, this.x.table_nums(), size * NUM_STRIDE),
      keyBytes: new Uint8Array(buf, this.x.table_keys(), this.x.table_key_used()),
    };
  }
}

/** Bytes of `rows` rows with `keys` key bytes laid out as a source of the run merge. */
function sourceBytes(rows: number, keys: number): number {
  return rows * (NUM_STRIDE * 8 + INT_STRIDE * 4) + keys;
}

/** Whether `v`'s Float64 rows, Int32 rows and key bytes lie back to back, as a merge source's. */
function laidOutAsSource(v: TableView): boolean {
  return (
    v.nums.byteOffset + v.size * NUM_STRIDE * 8 === v.ints.byteOffset &&
    v.nums.length === v.size * NUM_STRIDE &&
    v.ints.byteOffset + v.size * INT_STRIDE * 4 === v.keyBytes.byteOffset &&
    v.ints.length === v.size * INT_STRIDE &&
    v.nums.buffer === v.keyBytes.buffer
  );
}

/** A merge source's views at `at` in `buf`. */
function sourceView(buf: ArrayBufferLike, at: number, rows: number, keys: number): TableView {
  const i0 = at + rows * NUM_STRIDE * 8;
  return {
    size: rows,
    nums: new Float64Array(buf, at, rows * NUM_STRIDE),
    ints: new Int32Array(buf, i0, rows * INT_STRIDE),
    keyBytes: new Uint8Array(buf, i0 + rows * INT_STRIDE * 4, keys),
  };
}

/** The key bytes of entries [first, first + count) of a laid-out table: [first's start, last's end). */
function keySpan(ints: Int32Array, first: number, count: number): [number, number] {
  if (count === 0) return [0, 0];
  const last = (first + count - 1) * INT_STRIDE;
  return [ints[first * INT_STRIDE + COL.I_KEYOFF], ints[last + COL.I_KEYOFF] + ints[last + COL.I_KEYLEN]];
}

/**
 * The span of run t's keys in a range of a table not known to be laid out: a pass over its rows.
 * [-1, -1] when the span is much wider than the keys (scattered: not worth copying).
 */
function scatteredKeySpan(r: KernelRange, t: number): [number, number] {
  const ints = r.tables[t].ints;
  let lo = Infinity,
    hi = 0,
    sum = 0;
  for (let e = r.first[t], end = e + r.count[t]; e < end; e++) {
    const off = ints[e * INT_STRIDE + COL.I_KEYOFF],
      len = ints[e * INT_STRIDE + COL.I_KEYLEN];
    if (off < lo) lo = off;
    if (off + len > hi) hi = off + len;
    sum += len;
  }
  if (r.count[t] === 0) return [0, 0];
  return hi - lo > 2 * sum + 4096 ? [-1, -1] : [lo, hi];
}

/**
 * The key a scan builds (format/key.ts KeyPlan, by column): its string fields' columns in key
 * order (-1: a field the format lacks, always `-`), and which of the numbers it holds (an absent
 * one is -1 in every entry).
 */
export interface KernelKey {
  readonly columns: ArrayLike<number>;
  readonly srcport: boolean;
  readonly dstport: boolean;
  readonly protocol: boolean;
  /** The v2 key: its columns are the layout's Account..Action roles' (the kernel's fastest loop). */
  readonly byRole?: boolean;
}

/** The v2 key over `layout`: account-id, interface-id, srcaddr, dstaddr and action by role, with every number. */
function v2KeyOf(layout: Layout): KernelKey {
  const roles = [Role.Account, Role.Interface, Role.SrcAddr, Role.DstAddr, Role.Action];
  return { columns: roles.map((r) => layout.columnOf[r]), srcport: true, dstport: true, protocol: true, byRole: true };
}

/** The account and region filters a scan applies (scanner.ts filter): only records of these values are digested. */
export interface KernelFilter {
  readonly accounts?: ReadonlySet<string>;
  readonly regions?: ReadonlySet<string>;
}

/** Each of `key`'s fields as KeyedRowWriter's NDJSON names it (`"srcaddr":`), back to back, and where each starts (one more: the end). */
function keyNames(key: KeyPlan): { bytes: Buffer; at: Int32Array } {
  const names = key.fields.map((f) => Buffer.from(`${JSON.stringify(f)}:`, 'utf8'));
  const at = new Int32Array(names.length + 1);
  names.forEach((n, i) => {
    at[i + 1] = at[i] + n.length;
  });
  return { bytes: Buffer.concat(names), at };
}

/**
 * The first offset from `at` that lies as `like` does modulo COPY_ALIGN (table/contract.ts). V8
 * copies between a SharedArrayBuffer (a run table's columns) and other memory a word at a time
 * only when source and destination lie alike; otherwise byte by byte, 3-4× slower (2.3-3.1 GB/s
 * against 10-13.4, `bench/shared-copy.ts`). Byte ranges copied from or to a table are placed so.
 */
function alignedLike(at: number, like: number): number {
  return at + ((like - at) & (COPY_ALIGN - 1));
}
