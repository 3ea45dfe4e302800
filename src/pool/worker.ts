/**
 * Runs inside a worker thread. `default` inflates one object in 256 KiB pieces, scans it (the
 * WebAssembly kernel takes the common lines) and adds it to the run table it was handed;
 * `sortRun` puts a run table in canonical order; `countRange`, `renderRange` and
 * `partitionRange` merge one range of the sorted run tables, to count its rows, to format them,
 * or to write them as a binary partial's partition.
 */
import { createGunzip } from 'node:zlib';
import { isV2Key, rowWriter } from '../digest/keyed-format.js';
import { canonicalOrder } from '../digest/order.js';
import { countRange as countRows, RunCursor, type SortedRun, splitRanges } from '../digest/runs.js';
import { type PackedRows, RowCollector, unpackRows } from '../digest/collector.js';
import {
  COL,
  DigestTable,
  INT_STRIDE,
  layOutInOrder,
  LOST_STRIDE,
  NUM_STRIDE,
  type MemoryBudget,
  partitionOf,
  type TableState,
  type TableView,
} from '../table/table.js';
import { CorruptObjectError, errorToData, MemoryLimitError } from '../errors.js';
import { DeliveryReader } from '../format/envelope.js';
import { layoutFromFields } from '../format/layout.js';
import { isParquet } from '../format/parquet-magic.js';
import { Scanner } from '../format/scanner.js';
import { PACKETS_LOST_FIELDS, type PacketsLostField } from '../format/fields.js';
import { planKey, TGW_KEY } from '../format/key.js';
import { SeparatorIndex } from '../format/separators.js';
import { KERNEL_MERGE_RUNS, type KernelRange, WasmKernel } from '../format/wasm-kernel.js';
import { KERNEL_INPUT_BYTES } from '../table/contract.js';
import { mergeResident, newResidentTable, residentToJavaScript } from '../format/resident-table.js';
import { INFLATE_CHUNK, isGzip } from '../util/gunzip.js';
import { inflateSync } from './inflate-sync.js';
import { moveReply } from './move.js';
import { dropped } from '../util/reclaim.js';
import { RUN_TABLE_START } from './protocol.js';
import type {
  AbsorbReply,
  AbsorbTask,
  CountReply,
  ErrorReply,
  FinishReply,
  FinishTask,
  RangeTask,
  RenderReply,
  ScanReply,
  ScanTask,
  ScanTrailer,
  SortReply,
  SortedOrder,
  SortTask,
} from './protocol.js';

// One object table, separator index and kernel per worker, reset between objects: their arrays
// keep the size they grew to, so an object neither regrows them nor leaves them behind as
// garbage. Safe because a worker runs one task at a time.
const objectTable = new DigestTable(16384);
// As long as the scanner's window (one kernel call's input).
const index = new SeparatorIndex(KERNEL_INPUT_BYTES);
let kernel = loadKernel();

/**
 * A fresh kernel, lean: most runs are v2-key text digests, and the lean kernel compiles in a
 * quarter less time; it widens itself to the full one on the first call that needs it
 * (format/wasm-kernel.ts).
 */
function loadKernel(): WasmKernel | null {
  return WasmKernel.load({ lean: true });
}

/**
 * Kernel memory a worker keeps after sorting a run table. WebAssembly memory never shrinks: a
 * run of 400 k entries leaves 57-77 MB (its scans and merges; its sort fits within that) that
 * the range steps (a few MB each) never use and an idle worker (a digester kept open, the
 * service) would hold for good. Past this, the worker starts a fresh instance (the module stays
 * compiled) and the old memory is collected. 16 MB, not the 64 that would keep one large
 * object's scan (41-61 MB) for the next run: at 918 k rows the write then peaked 40 MB lower,
 * for page faults worth a few ms of the next run's first scans (docs/kernel.md, "Reserved run
 * tables").
 */
let keepBytes = 16 * 1024 * 1024;

/** @internal Tests: the kernel memory kept after a sort (0: a fresh kernel after every sort). */
export function setKernelKeepBytes(bytes: number): void {
  keepBytes = bytes;
}

/**
 * Kernel memory a worker keeps after a small digest's one-task finish: its scans' (41-61 MB for a
 * large object), which the next run's scans reuse; the writing of a small digest is no peak.
 * Shedding it there cost each worker a collection (CPU 1.005-1.02x at 1% rows, measured).
 */
const SMALL_DIGEST_KEEP_BYTES = 64 * 1024 * 1024;

function shedKernel(keep = keepBytes): void {
  if (kernel !== null && kernel.memoryBytes > keep) replaceKernel();
}

/** Drop the kernel for a fresh instance (the module stays compiled), giving back its charge. False if none could start. */
function replaceKernel(): boolean {
  const fresh = loadKernel();
  if (kernel === null || fresh === null) return false;
  kernel.releaseCharge();
  dropped(kernel.memoryBytes);
  kernel = fresh;
  return true;
}

/**
 * Every task of a run starts here: the kernel's memory is charged to the run's budget (see
 * format/kernel-memory.ts). Memory a run before this one left in it that does not fit this
 * run's budget is dropped with the kernel: a fresh one is charged nothing.
 */
function chargeKernelTo(budget: MemoryBudget): void {
  if (kernel === null) return;
  try {
    kernel.chargeTo(budget);
  } catch (err) {
    if (!(err instanceof MemoryLimitError) || !replaceKernel()) throw err;
    // Nothing to charge yet, but what it grows by from here on is this run's.
    kernel.chargeTo(budget);
  }
}

/**
 * A task's error as data. A kernel that passed the budget is replaced: the digest fails, and a
 * worker kept for the next one should not hold the memory that failed it.
 */
function failed(err: unknown): ErrorReply {
  if (err instanceof MemoryLimitError) replaceKernel();
  return { error: errorToData(err) };
}

export default async function scanObject(task: ScanTask): Promise<ScanReply> {
  try {
    chargeKernelTo(task.budget);
    const table = objectTable.clear();
    const bytes = new Uint8Array(task.data);
    // A Parquet object's columns name its fields: its rows reach the scanner as lines of them.
    // (Its reader is loaded on the first one: most runs never meet one.)
    const parquet = isParquet(bytes)
      ? (await import('../format/parquet.js')).openParquet(bytes, task.key, parquetExtra(task))
      : null;
    const scanner = new Scanner(table, {
      key: task.key,
      strict: task.strict,
      maxSamples: task.maxSamples,
      filter: {
        windowStart: task.windowStart,
        windowEnd: task.windowEnd,
        accounts: task.accounts ? new Set(task.accounts) : undefined,
        regions: task.regions ? new Set(task.regions) : undefined,
      },
      layout: parquet ? layoutFromFields(parquet.fields) : task.fields ? layoutFromFields(task.fields) : undefined,
      headerless: task.headerless ? layoutFromFields(task.headerless) : undefined,
      keySpec: task.keySpec,
      keyFromHeader: task.keyFromHeader,
      firstLine: task.firstLine,
      index,
      kernel,
    });
    let inflatedBytes = bytes.length;
    // Text lines go straight to the scanner; CloudWatch Logs JSON documents as their messages.
    const reader = new DeliveryReader(scanner, task.firstLine);
    if (parquet) inflatedBytes = await parquet.scan((lines) => scanner.push(lines));
    else if (isGzip(bytes)) inflatedBytes = await inflateInto(bytes, reader, task.key, task.inflateOnThread ?? true);
    else reader.push(bytes);
    reader.end();
    let run = task.table;
    // Only now, with the object read whole, does anything of it reach the run tables.
    const parts = task.partitions ?? 1;
    if (parts <= 1) {
      scanner.end((rows) => {
        run = mergeRows(run, [rows], task.budget);
      });
      if (table.size > 0) run = mergeRows(run, [usedRows(table)], task.budget);
      return {
        table: run ?? emptyRunTable(task.budget),
        trailer: { counters: scanner.counters, inflatedBytes, key: [...scanner.keyFields], ...lostOf(scanner) },
      };
    }
    const own = task.partition ?? 0;
    // JavaScript's rows (rare lines, or every line without a kernel) by partition: its own
    // partition's merged as one piece, the others handed off.
    const byPart = Array.from({ length: parts }, () => new RowCollector(1024));
    const route = (rows: TableView) => {
      for (let e = 0; e < rows.size; e++)
        byPart[partitionOf(rows.ints[e * INT_STRIDE + COL.I_HASH], parts)].addEntry(rows, e);
    };
    // The kernel's rows go by partition in the kernel: one packed block each, its own merged
    // here, the others copied out as one byte range each (no row is touched in JavaScript).
    const fromKernel: Array<PackedRows | null> = byPart.map(() => null);
    scanner.end((rows) => {
      const blocks = kernel?.partition(parts) ?? null;
      if (blocks === null) return route(rows);
      blocks.forEach((b, q) => {
        if (q !== own && b.rows > 0)
          fromKernel[q] = { rows: b.rows, keyBytes: b.keyBytes, buffer: b.bytes.slice().buffer };
      });
      // Last: the merge may grow the kernel's memory, which ends the other blocks' views.
      run = mergeRows(run, [blocks[own].view], task.budget);
    });
    route(table);
    if (byPart[own].rows > 0) run = mergeRows(run, [unpackRows(byPart[own].pack())], task.budget);
    // The kernel's block and JavaScript's rows go as pieces of their own: joining them would copy
    // the (large) kernel block to add the (few) rows of rare lines.
    const handoff = byPart.map((c, q) =>
      q === own ? [] : [fromKernel[q], c.rows === 0 ? null : c.pack()].filter(isPacked),
    );
    const trailer: ScanTrailer = {
      counters: scanner.counters,
      inflatedBytes,
      key: [...scanner.keyFields],
      ...lostOf(scanner),
    };
    const reply: ScanReply = { table: run ?? emptyRunTable(task.budget), trailer, handoff };
    // Transferred, not copied: with n partitions, (n - 1)/n of an object's rows are handed off.
    return moveReply(
      reply,
      handoff.flatMap((pieces) => pieces.map((p) => p.buffer)),
    );
  } catch (err) {
    return failed(err);
  } finally {
    // The object's bytes (transferred here) are garbage once the reply is sent.
    dropped(task.data.byteLength);
  }
}

const isPacked = (p: PackedRows | null): p is PackedRows => p !== null;

/** Add rows handed off by scans to the table of their partition. */
export function absorb(task: AbsorbTask): AbsorbReply {
  try {
    chargeKernelTo(task.budget);
    return { table: mergeRows(task.table, task.pieces.map(unpackRows), task.budget) };
  } catch (err) {
    return failed(err);
  } finally {
    dropped(task.pieces.reduce((n, p) => n + p.buffer.byteLength, 0));
  }
}

/**
 * Merge `sources` into the run table `state` (undefined: a new one) and return its state. A resident table (format/resident-table.ts)
 * merges where it lies; rows with lost packets, or a resident table whose memory cannot grow, move
 * the table to JavaScript's shared columns for good, where this worker's kernel merges them (which
 * falls back to JavaScript when its memory cannot hold the merge), else JavaScript row by row.
 */
function mergeRows(state: TableState | undefined, sources: readonly TableView[], budget: MemoryBudget): TableState {
  const lost = sources.some((v) => v.lost);
  if (!lost && (state === undefined || state.home !== undefined)) {
    const resident = state ?? newResidentTable(budget);
    const merged = resident === null ? null : mergeResident(resident, sources, budget);
    if (merged !== null) return merged;
    if (state === undefined && resident !== null) state = resident;
  }
  const run = state?.home !== undefined ? residentToJavaScript(state, budget) : runTable(state, budget);
  if (kernel !== null && run.lost === null && !lost) kernel.mergeInto(run, sources);
  else for (const v of sources) run.mergeFrom(v);
  return run.state();
}

/** A new, empty run table (a resident one where it can be made), for a task that had no rows to merge. */
function emptyRunTable(budget: MemoryBudget): TableState {
  return newResidentTable(budget) ?? runTable(undefined, budget).state();
}

/** A JavaScript table's rows as a merge source: its columns cut to the entries and key bytes it holds. */
function usedRows(t: DigestTable): TableView {
  return {
    size: t.size,
    ints: t.ints.subarray(0, t.size * INT_STRIDE),
    nums: t.nums.subarray(0, t.size * NUM_STRIDE),
    keyBytes: t.keyBytes.subarray(0, t.keyUsed),
    ...(t.lost === null ? {} : { lost: t.lost.subarray(0, t.size * LOST_STRIDE) }),
  };
}

function runTable(state: TableState | undefined, budget: MemoryBudget): DigestTable {
  // Reserved: a run table grows into its columns instead of copying them (table.ts RESERVE_ENTRIES).
  const memory = { shared: true, budget, reserve: true };
  return state ? DigestTable.attach(state, memory) : new DigestTable(RUN_TABLE_START, memory);
}

export function sortRun(task: SortTask): SortReply {
  try {
    chargeKernelTo(task.budget);
    const sorted = sortInPlace(task.table);
    shedKernel();
    return sorted;
  } catch (err) {
    return failed(err);
  }
}

/** A small digest's finish in one task: absorb the waiting rows, sort every table, count the one range. */
export function finishRuns(task: FinishTask): FinishReply {
  try {
    chargeKernelTo(task.budget);
    const tables: TableState[] = [];
    task.tables.forEach((state, slot) => {
      const pieces = task.pieces[slot] ?? [];
      if (pieces.length > 0) state = mergeRows(state, pieces.map(unpackRows), task.budget);
      if (state !== undefined && state.size > 0) tables.push(state);
    });
    const orders = tables.map((t) => sortInPlace(t));
    shedKernel(Math.max(keepBytes, SMALL_DIGEST_KEEP_BYTES));
    const runs: SortedRun[] = tables.map((t, i) => ({ table: t, ...orders[i] }));
    // The tables hold disjoint keys, so their sizes are the rows; the one range is counted all
    // the same for its script, which its writer replays: under 2,048 rows that is the caller's
    // thread, in JavaScript, where the script saves comparing keys row by row (engine/run.ts
    // skips the count for larger digests, whose ranges the kernel merges as it writes them).
    if (runs.length < 2) return { tables, orders, rows: runs.length === 0 ? 0 : runs[0].order.length, script: null };
    const counted = countRange({ runs, range: splitRanges(runs, 1)[0], budget: task.budget });
    if ('error' in counted) return counted;
    return { tables, orders, rows: counted.rows, script: counted.script };
  } catch (err) {
    return failed(err);
  }
}

/**
 * Sort a run table: its entries in canonical order, in shared memory. A shared table is also laid
 * out in that order, so the order returned is 0..n-1.
 */
function sortInPlace(t: TableView): SortedOrder {
  // In this worker's kernel (its scan table is dropped: the next object starts another; its
  // memory is reused, not added to: the sort takes about 100 bytes an entry and one batch's
  // room, within what the scans and merges reached). Without a kernel, or when it cannot hold
  // the sort, in JavaScript: the same order.
  const sorted = kernel?.order(t) ?? null;
  const order = sorted ?? canonicalOrder(t);
  // Then the table is laid out in that order, so every range of the run is one slice of each
  // column (the kernel merges and formats ranges from such slices), and the order is 0..n-1.
  // Only a shared table can be laid out here for the caller to see it.
  const shared0 = [t.ints.buffer, t.nums.buffer, t.keyBytes.buffer, ...(t.lost ? [t.lost.buffer] : [])].every(
    (b) => b instanceof SharedArrayBuffer,
  );
  if (!shared0) {
    const copy = new Int32Array(new SharedArrayBuffer(order.byteLength));
    copy.set(order);
    return { order: copy, laidOut: false };
  }
  // A table with lost packets is laid out in JavaScript: the kernel's layout would not move them.
  if (sorted === null || t.lost || !kernel!.layOut(t)) layOutInOrder(t, order);
  const shared = new Int32Array(new SharedArrayBuffer(order.length * 4));
  for (let i = 0; i < shared.length; i++) shared[i] = i;
  return { order: shared, laidOut: true };
}

/**
 * A range of runs as the kernel takes it, or null: `fewest` to KERNEL_MERGE_RUNS runs, each laid out
 * in its order (positions [from, to) are entries order[from] + 0, 1, ...), and a script, if any,
 * of one byte a row.
 */
function kernelRange(task: RangeTask, fewest = 2): KernelRange | null {
  const { runs, range } = task;
  if (kernel === null || runs.length < fewest || runs.length > KERNEL_MERGE_RUNS) return null;
  if (range.script !== undefined && !(range.script instanceof Uint8Array)) return null;
  const first: number[] = [],
    count: number[] = [];
  for (let t = 0; t < runs.length; t++) {
    const order = runs[t].order,
      from = range.from[t],
      to = range.to[t];
    const f = from < to ? order[from] : 0;
    // A laid-out table's order is 0..n-1; any other is checked entry by entry.
    if (!runs[t].laidOut) for (let i = from; i < to; i++) if (order[i] !== f + (i - from)) return null;
    first.push(f);
    count.push(to - from);
  }
  return { tables: runs.map((r) => r.table), first, count, laidOut: runs.every((r) => r.laidOut === true) };
}

export function countRange(task: RangeTask): CountReply {
  try {
    chargeKernelTo(task.budget);
    const r = kernelRange(task);
    const counted = r === null ? null : kernel!.countRange(r);
    // The script is about a byte a row: cloning it back costs nothing worth a transfer.
    return counted ?? countRows(task.runs, task.range);
  } catch (err) {
    return failed(err);
  }
}

export function renderRange(task: RangeTask): RenderReply {
  try {
    chargeKernelTo(task.budget);
    // The kernel writes rows of any key, as text or NDJSON; not the sums of lost
    // packets: such digests are written by the JavaScript writer.
    const lost = task.runs.some((run) => run.table.lost) || (task.lost?.length ?? 0) > 0;
    const r = lost ? null : kernelRange(task);
    const key = isV2Key(task.key) ? undefined : planKey(task.key!);
    const bytes =
      r === null ? null : kernel!.render(task.format!, r, task.seen!, task.range.script as Uint8Array | undefined, key);
    if (bytes !== null) return moveReply(bytes.buffer as ArrayBuffer, [bytes.buffer as ArrayBuffer]);
    const writer = rowWriter(task.format!, task.seen!, 1 << 20, task.key, task.lost);
    const cursor = new RunCursor(task.runs, task.range);
    while (cursor.next(writer.row)) {
      /* written by the sink */
    }
    return moveBytes(writer.take());
  } catch (err) {
    return failed(err);
  }
}

/**
 * A range's partition of the binary partial: merged and copied out by the kernel (any key, one
 * run or more), else collected row by row as on the main thread (lost packets, which the
 * kernel's merge does not carry; more runs than it merges; a range it cannot hold).
 */
export async function partitionRange(task: RangeTask): Promise<RenderReply> {
  try {
    // Loaded on the first partition: most runs write text, and its module brings the digest's.
    const { collectPartition, partitionOfColumns } = await import('../digest/partial.js');
    chargeKernelTo(task.budget);
    const lost = (task.lost?.length ?? 0) > 0;
    const r = lost || task.runs.some((run) => run.table.lost) ? null : kernelRange(task, 1);
    const rows = r === null ? null : kernel!.partialRows(r, task.range.script as Uint8Array | undefined);
    return moveBytes(
      rows === null ? collectPartition(new RunCursor(task.runs, task.range), lost) : partitionOfColumns(rows),
    );
  } catch (err) {
    return failed(err);
  }
}

/** `bytes` as a reply that moves them: only bytes of their own may move (a small Buffer is a view into Node's shared pool). */
function moveBytes(bytes: Uint8Array): RenderReply {
  const out = (
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : new Uint8Array(bytes).buffer
  ) as ArrayBuffer;
  return moveReply(out, [out]);
}

/**
 * The Parquet columns a scan reads beside the role columns: Transit Gateway's key fields and
 * packets-lost-*, and the fields `--key` names (absent columns are simply not there).
 */
function parquetExtra(task: ScanTask): string[] {
  const spec = task.keySpec;
  return [
    ...TGW_KEY,
    ...PACKETS_LOST_FIELDS,
    ...(spec === undefined ? [] : 'replace' in spec ? spec.replace : spec.add),
  ];
}

/** The packets-lost-* fields a scan summed, for its trailer (nothing when none). */
function lostOf(scanner: Scanner): { lost?: PacketsLostField[] } {
  const lost = scanner.lostFields;
  return lost.length === 0 ? {} : { lost };
}

/** One inflate output buffer per worker, reused for every object. */
const inflated = Buffer.allocUnsafe(INFLATE_CHUNK);

async function inflateInto(
  bytes: Uint8Array,
  scanner: DeliveryReader,
  key: string,
  onThread: boolean,
): Promise<number> {
  let total = 0;
  try {
    if (
      onThread &&
      inflateSync(bytes, inflated, (piece) => {
        total += piece.length;
        scanner.push(piece);
      })
    )
      return total;
    // Asked for the stream (idle cores to inflate on), or no synchronous handle here.
    const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK });
    gunzip.end(bytes);
    try {
      for await (const chunk of gunzip) {
        total += (chunk as Buffer).length;
        scanner.push(chunk as Buffer);
      }
    } finally {
      gunzip.destroy();
    }
  } catch (err) {
    // Only zlib's own failures mean a bad object; anything else is ours and must say so.
    if (isZlibError(err)) throw new CorruptObjectError(key, (err as Error).message, { cause: err });
    throw err;
  }
  return total;
}

function isZlibError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code === 'ERR_BUFFER_TOO_LARGE');
}
