/**
 * Resident run tables: a run table whose columns live in a shared WebAssembly memory of its own,
 * merged into in place by a small compiled module (src/format/wasm/runtable.c).
 *
 * A run table used to live in shared JavaScript columns, and each merge copied its slots, Int32
 * rows and keys into the worker's scan kernel, merged there, and copied what changed back out
 * (wave 12 measured those copies at 7-9% of a 40% run's CPU). A resident table's columns are where
 * the merge writes: a merge copies in only the rows it merges. Its state, posted between threads,
 * carries views over the memory and the memory itself ({@link TableHome}), so whichever worker is
 * lent the table next instantiates the module over the same memory; the sort and the ranges read
 * the views as they read any shared table.
 *
 * The memory, from its start: the merge's counters, the Int32 rows, the Float64 rows, the key
 * bytes and, last, the slots (a rehash grows them in place); past the most the slots can reach in
 * a merge, the rows being merged, copied in a block at a time. The columns are placed for
 * {@link RESERVE_ENTRIES} entries once a table outgrows its first room, as a reserving DigestTable
 * allocates them: pages cost nothing until written, and the columns are then moved up only past
 * that. The budget is charged for the room a table grows into, as a DigestTable charges it.
 */
import {
  charge,
  COL,
  DigestTable,
  doubledPast,
  firstRoom,
  grownEntryRoom,
  INT_STRIDE,
  type MemoryBudget,
  NUM_STRIDE,
  RESERVE_ENTRIES,
  RESERVE_KEY_BYTES,
  type TableHome,
  type TableState,
  type TableView,
} from '../table/table.js';
import { KernelError } from '../errors.js';
import { dropped } from '../util/reclaim.js';
import { compileWasm, instantiateWasm, type WasmModule } from '../util/wasm-compile.js';
import { RUN_TABLE_WASM_BASE64 } from './wasm/runtable-wasm.js';

declare const WebAssembly: {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => TableHome['memory'];
};

interface RunTableExports {
  rt_merge(
    slots: number,
    mask: number,
    ints: number,
    nums: number,
    keys: number,
    io: number,
    sn: number,
    si: number,
    sk: number,
    k0: number,
    kn: number,
    n: number,
    entryRoom: number,
    keyRoom: number,
  ): number;
  rt_rehash(slots: number, mask: number, ints: number, size: number): void;
  rt_move(to: number, from: number, bytes: number): void;
  __heap_base: { value: number };
}

const { I_KEYOFF, I_KEYLEN } = COL;
const PAGE = 65536;
/** Bytes of an entry's Int32 and Float64 rows. */
const ENTRY_BYTES = INT_STRIDE * 4 + NUM_STRIDE * 8;
/** A new table's room, as `new DigestTable(RUN_TABLE_START)` has it (pool/protocol.ts). */
const FIRST_ENTRIES = 16384;
/** The merge's counters (entries, key bytes used, the early reads' sum), at the memory's heap base. */
const IO_BYTES = 16;
/** Pages the module's memory starts with (scripts/build-wasm.sh links it with --initial-memory of two pages). */
const FIRST_PAGES = 2;
/** Most pages a table's memory may reach (4 GiB: wasm32's address space). */
const MAX_PAGES = 65536;

let compiled: WasmModule | null | undefined;

/** The merge's module, compiled on first use; null where it cannot be (resident tables are then never made). */
function runTableModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = compileWasm(RUN_TABLE_WASM_BASE64);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Where a resident table's parts lie in its memory (byte offsets) and how much each holds. */
interface Places {
  io: number;
  ints: number;
  nums: number;
  /** Entries the Int32 and Float64 columns are placed for. */
  cap: number;
  keys: number;
  keyCap: number;
  slots: number;
  slotCount: number;
}

function place(io: number, cap: number, keyCap: number, slotCount: number): Places {
  const ints = io + IO_BYTES;
  const nums = ints + cap * INT_STRIDE * 4;
  const keys = nums + cap * NUM_STRIDE * 8;
  const slots = keys + align8(keyCap);
  return { io, ints, nums, cap, keys, keyCap, slots, slotCount };
}

/** A resident state's places, read back from its views. */
function placesOf(s: TableState): Places {
  return place(s.home!.io, s.ints.length / INT_STRIDE, s.keyBytes.length, s.mask + 1);
}

const align8 = (n: number) => (n + 7) & ~7;

/** The state of a resident table at `p` holding `size` entries and `keyUsed` key bytes, charged for `entryRoom` and `keyRoom`. */
function stateAt(
  home: TableHome,
  p: Places,
  size: number,
  keyUsed: number,
  entryRoom: number,
  keyRoom: number,
): TableState {
  const buf = home.memory.buffer;
  return {
    size,
    keyUsed,
    mask: p.slotCount - 1,
    slots: new Int32Array(buf, p.slots, p.slotCount),
    ints: new Int32Array(buf, p.ints, p.cap * INT_STRIDE),
    nums: new Float64Array(buf, p.nums, p.cap * NUM_STRIDE),
    keyBytes: new Uint8Array(buf, p.keys, p.keyCap),
    entryRoom,
    keyRoom,
    home,
  };
}

/**
 * A new, empty resident table with room for `entries` entries, placed and charged to `budget` as
 * `new DigestTable(entries)` is (16384: a run table's start, pool/protocol.ts); null when no
 * memory could be made for it (the caller keeps a JavaScript table).
 */
export function newResidentTable(budget: MemoryBudget, entries = FIRST_ENTRIES): TableState | null {
  const module = runTableModule();
  if (module === null) return null;
  const { slotCount, entryRoom, keyRoom } = firstRoom(entries);
  let memory: TableHome['memory'];
  try {
    // The most wasm32 addresses: address space only (a shared memory cannot move, so V8 reserves
    // its maximum when it is made; pages are committed as it grows). The budget limits a table.
    memory = new WebAssembly.Memory({ initial: FIRST_PAGES, maximum: MAX_PAGES, shared: true });
  } catch {
    return null;
  }
  // Every table starts at the module's heap base (below it: the stack the module never uses).
  const io = align8(exportsOf(module, memory).__heap_base.value);
  const home: TableHome = { memory, io };
  const p = place(io, entryRoom, keyRoom, slotCount);
  if (!growTo(home, p.slots + slotCount * 4)) return null;
  // Two charges, as the DigestTable constructor makes them (each is rounded up to a KiB).
  charge(budget, slotCount * 4, 0);
  charge(budget, entryRoom * ENTRY_BYTES + keyRoom, 0);
  return stateAt(home, p, 0, 0, entryRoom, keyRoom);
}

/** A new instance of the merge over `memory` (instances are cheap and hold no state: one a merge). */
function exportsOf(module: WasmModule, memory: TableHome['memory']): RunTableExports {
  return instantiateWasm(module, { env: { memory } }) as RunTableExports;
}

/** Grow `home`'s memory to at least `bytes`; false when it cannot. */
function growTo(home: TableHome, bytes: number): boolean {
  const have = home.memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    home.memory.grow(Math.ceil((bytes - have) / PAGE));
    return true;
  } catch {
    return false;
  }
}

/** Slots (a power of two) a table of `entries` entries holds without passing half full. */
function slotsFor(entries: number, from: number): number {
  let n = from;
  while (entries * 2 > n - 1) n *= 2;
  return n;
}

/**
 * Merge `sources` (rows without lost packets: views of any table or packed rows) into the resident
 * table `state`, row for row as DigestTable.mergeFrom merges them, and return its new state; null,
 * with the table unchanged, when its memory cannot grow to hold them (the caller moves it out,
 * {@link residentToJavaScript}, and merges there). Throws MemoryLimitError when the budget refuses.
 */
export function mergeResident(
  state: TableState,
  sources: readonly TableView[],
  budget: MemoryBudget,
): TableState | null {
  const home = state.home!;
  let moreRows = 0,
    moreKeys = 0,
    srcKeys = 0;
  for (const v of sources) {
    moreRows += v.size;
    moreKeys += v.keyBytes.length;
    srcKeys = Math.max(srcKeys, v.keyBytes.length);
  }
  const x = exportsOf(runTableModule()!, home.memory);
  const places = placesFor(x, state, state.size + moreRows, state.keyUsed + moreKeys, srcKeys);
  if (places === null) return null;
  const m: Merge = {
    x,
    home,
    p: places.p,
    src: places.src,
    budget,
    entryRoom: state.entryRoom ?? places.p.cap,
    keyRoom: state.keyRoom ?? places.p.keyCap,
  };
  // The memory does not grow during the merge (placesFor grew it), so this view stays valid.
  const io = new Uint32Array(home.memory.buffer, m.p.io, 2);
  io[0] = state.size;
  io[1] = state.keyUsed;
  for (const v of sources) for (let from = 0; from < v.size; from += SOURCE_BLOCK_ROWS) mergeBlock(m, v, from);
  return stateAt(home, m.p, io[0], io[1], m.entryRoom, m.keyRoom);
}

/** One merge's state: the module's instance, the table's places (its slots double as it goes), the rows' room. */
interface Merge {
  x: RunTableExports;
  home: TableHome;
  p: Places;
  src: number;
  budget: MemoryBudget;
  /** Entries and key bytes the budget is charged for (the columns are placed for more). */
  entryRoom: number;
  keyRoom: number;
}

/**
 * Rows a merge copies into the table's memory at a time: about 1.3 MB with their keys. The rows
 * are already in memory (the scan kernel's, or a hand-off's buffer); a copy of them whole would
 * stay in the table's memory as pages written once (a 40% object's block is ~30 MB).
 */
const SOURCE_BLOCK_ROWS = 8192;
/** Flags of rt_merge's result: it stopped at a row whose key lay outside the key bytes copied in, or that needs more room. */
const RT_OUTSIDE = 0x80000000,
  RT_ROOM = 0x40000000;

/**
 * More room for a new entry of a `len`-byte key, charged to the budget as DigestTable.insertAt
 * charges it: the columns to half the slots (or one more entry), the key bytes doubled past need.
 */
function growRoom(m: Merge, len: number): void {
  const [size, keyUsed] = new Uint32Array(m.home.memory.buffer, m.p.io, 2);
  // Charged at the rows the table reaches with the entry, as insertAt charges.
  if (size + 1 > m.entryRoom) {
    const room = grownEntryRoom(size + 1, m.p.slotCount);
    charge(m.budget, (room - m.entryRoom) * ENTRY_BYTES, size + 1);
    m.entryRoom = room;
  }
  if (keyUsed + len > m.keyRoom) {
    const room = doubledPast(m.keyRoom, keyUsed + len);
    charge(m.budget, room - m.keyRoom, size + 1);
    m.keyRoom = room;
  }
}

/**
 * Merge rows [from, from + SOURCE_BLOCK_ROWS) of `v`: copied into the rows' room with the span of
 * key bytes they use (every source lays its keys out in row order; a row whose key lies outside
 * that span has the source's key bytes copied in whole), the slots doubled whenever the merge
 * stops at half full.
 */
function mergeBlock(m: Merge, v: TableView, from: number): void {
  const n = Math.min(SOURCE_BLOCK_ROWS, v.size - from);
  const buf = m.home.memory.buffer;
  // Each part placed alike modulo 8 with its source: V8 copies into shared memory a word at a
  // time only then, else byte by byte, 3-4 times slower (bench/shared-copy.ts).
  const si = m.src + n * NUM_STRIDE * 8 + (v.ints.byteOffset & 7);
  new Float64Array(buf, m.src, n * NUM_STRIDE).set(v.nums.subarray(from * NUM_STRIDE, (from + n) * NUM_STRIDE));
  new Int32Array(buf, si, n * INT_STRIDE).set(v.ints.subarray(from * INT_STRIDE, (from + n) * INT_STRIDE));
  const keysAt = align8(si + n * INT_STRIDE * 4);
  const last = (from + n - 1) * INT_STRIDE;
  let k0 = v.ints[from * INT_STRIDE + I_KEYOFF],
    k1 = v.ints[last + I_KEYOFF] + v.ints[last + I_KEYLEN];
  if (!(k0 >= 0 && k1 >= k0 && k1 <= v.keyBytes.length)) {
    k0 = 0;
    k1 = v.keyBytes.length;
  }
  let sk = copyKeys(buf, keysAt, v, k0, k1);
  let r = 0;
  while (r < n) {
    const got = m.x.rt_merge(
      m.p.slots,
      m.p.slotCount - 1,
      m.p.ints,
      m.p.nums,
      m.p.keys,
      m.p.io,
      m.src + r * NUM_STRIDE * 8,
      si + r * INT_STRIDE * 4,
      sk,
      k0,
      k1 - k0,
      n - r,
      Math.min(m.entryRoom, m.p.cap),
      Math.min(m.keyRoom, m.p.keyCap),
    );
    r += got & ~(RT_OUTSIDE | RT_ROOM);
    if (got & RT_ROOM) growRoom(m, v.ints[(from + r) * INT_STRIDE + I_KEYLEN]);
    if (got & RT_OUTSIDE) {
      // A row's key outside its source's own key bytes: rows no table or hand-off lays out.
      if (k0 === 0 && k1 === v.keyBytes.length)
        throw new KernelError(`a row's key lies outside its key bytes (row ${from + r})`);
      k0 = 0;
      k1 = v.keyBytes.length;
      sk = copyKeys(m.home.memory.buffer, keysAt, v, k0, k1);
    }
    const size = new Uint32Array(m.home.memory.buffer, m.p.io, 1)[0];
    if (size * 2 > m.p.slotCount - 1) {
      // table.ts upsert's rehash: the slots doubled in place (placesFor grew the memory for them).
      charge(m.budget, m.p.slotCount * 4, size);
      m.p = { ...m.p, slotCount: m.p.slotCount * 2 };
      m.x.rt_rehash(m.p.slots, m.p.slotCount - 1, m.p.ints, size);
    }
  }
}

/** Copy `v`'s key bytes [k0, k1) to `at` or just past it, alike modulo 8 with their source; returns where they start. */
function copyKeys(buf: SharedArrayBuffer, at: number, v: TableView, k0: number, k1: number): number {
  const sk = at + ((v.keyBytes.byteOffset + k0) & 7);
  new Uint8Array(buf, sk, k1 - k0).set(v.keyBytes.subarray(k0, k1));
  return sk;
}

/**
 * Places in `state`'s memory for `entries` entries, `keyBytes` key bytes and the slots they need
 * (address space: the budget is charged as the rows take room, {@link growRoom}), the columns
 * moved up when their places are outgrown; and the place of the rows being merged, past the most
 * the slots can reach (a block of rows and up to `srcKeys` key bytes, written only as far as a
 * block needs). Null when the memory cannot grow.
 */
function placesFor(
  x: RunTableExports,
  state: TableState,
  entries: number,
  keyBytes: number,
  srcKeys: number,
): { p: Places; src: number } | null {
  const home = state.home!;
  const p = placesOf(state);
  const cap = entries > p.cap ? Math.max(entries, RESERVE_ENTRIES) : p.cap;
  const keyCap = keyBytes > p.keyCap ? Math.max(keyBytes, RESERVE_KEY_BYTES) : p.keyCap;
  const to = place(p.io, cap, keyCap, p.slotCount);
  // The memory the slots may reach in this merge, and the rows' place past it, grown now: a merge
  // never stops half way.
  const src = to.slots + slotsFor(entries, p.slotCount) * 4;
  // (Each part of a block may lie up to 7 bytes on, alike modulo 8 with its source: mergeBlock.)
  if (!growTo(home, src + SOURCE_BLOCK_ROWS * ENTRY_BYTES + align8(srcKeys) + 16)) return null;
  if (to.slots !== p.slots) moveUp(x, p, to, state.size, state.keyUsed);
  return { p: to, src };
}

/** Move the columns from `from` to `to` (each place at or past its old one), the highest first. */
function moveUp(x: RunTableExports, from: Places, to: Places, size: number, keyUsed: number): void {
  x.rt_move(to.slots, from.slots, from.slotCount * 4);
  x.rt_move(to.keys, from.keys, keyUsed);
  x.rt_move(to.nums, from.nums, size * NUM_STRIDE * 8);
  x.rt_move(to.ints, from.ints, size * INT_STRIDE * 4);
}

/**
 * The resident table `state` as a JavaScript table of shared columns (copies, for JavaScript to
 * merge into: rows with lost packets, or a memory that could not grow). The budget keeps its charge
 * for the rooms (the copies have the same); the memory is garbage.
 */
export function residentToJavaScript(state: TableState, budget: MemoryBudget): DigestTable {
  const entryRoom = state.entryRoom ?? state.ints.length / INT_STRIDE,
    keyRoom = state.keyRoom ?? state.keyBytes.length;
  const copy = <T extends Int32Array | Float64Array | Uint8Array>(a: T, length: number): T => {
    const kind = a.constructor as new (b: SharedArrayBuffer) => T;
    const out = new kind(new SharedArrayBuffer(length * a.BYTES_PER_ELEMENT));
    (out as Uint8Array).set((a as Uint8Array).subarray(0, Math.min(length, a.length)));
    return out;
  };
  const table = DigestTable.attach(
    {
      size: state.size,
      keyUsed: state.keyUsed,
      mask: state.mask,
      slots: copy(state.slots, state.mask + 1),
      ints: copy(state.ints, entryRoom * INT_STRIDE),
      nums: copy(state.nums, entryRoom * NUM_STRIDE),
      keyBytes: copy(state.keyBytes, keyRoom),
      entryRoom,
      keyRoom,
    },
    { shared: true, budget, reserve: true },
  );
  dropped(state.home!.memory.buffer.byteLength);
  return table;
}
