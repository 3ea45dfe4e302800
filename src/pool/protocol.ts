/**
 * The messages between the main thread and the scan workers, typed in one place.
 * Errors travel as {@link ErrorData}: Node 20 drops an Error subclass's class and code in transit.
 */
import type { PackedRows } from '../digest/collector.js';
import type { RowFormat, Seen } from '../digest/format.js';
import type { MergeScript, RunRange, SortedRun } from '../digest/runs.js';
import type { MemoryBudget, TableState, TableView } from '../table/table.js';
import type { ErrorData } from '../errors.js';
import type { ScanCounters } from '../table/counters.js';
import type { KeySpec } from '../format/key.js';
import type { PacketsLostField } from '../format/fields.js';

/**
 * Run tables start this large (entries); they grow by doubling, charged to the run's budget.
 * Here because the main thread sizes the memory floor from it (engine/memory-floor.ts).
 */
export const RUN_TABLE_START = 16384;

/** One unit of work: a whole object (or a block of a stream) to decompress, scan and aggregate. */
export interface ScanTask {
  /** Object key or file path, for errors and samples. */
  key: string;
  /** The stored bytes (gzip detected by magic bytes). Transferred, not copied. */
  data: ArrayBuffer;
  strict: boolean;
  maxSamples: number;
  windowStart?: number;
  windowEnd?: number;
  /** Record-level selections (set only when the key path did not already decide them). */
  accounts?: string[];
  regions?: string[];
  /**
   * Inflate on the worker's own thread (one reused buffer) rather than through zlib's stream on
   * libuv's pool. Set by the pool: on-thread wins when workers fill the cores, the stream when
   * cores are left idle for the inflate threads to use.
   */
  inflateOnThread?: boolean;
  /** For blocks of a stream after the first: the field order in force and the last line number. */
  fields?: string[];
  firstLine?: number;
  /** The format of lines before any header (the run's `fields`); absent: the v2 order. */
  headerless?: string[];
  /** The run's `key` (absent: each format's default key). */
  keySpec?: KeySpec;
  /** The objects are text digests: a keyed digest's header names its key (`merge`). */
  keyFromHeader?: boolean;
  /**
   * The run table to aggregate into (shared memory; absent: start one). A run keeps one table per
   * worker slot and aggregates many objects into each, so partial rows are merged once per
   * slot, not once per object. The object is scanned apart first and added only when whole, so a
   * skipped bad object leaves nothing behind.
   */
  table?: TableState;
  /** The run's memory budget, charged by every run table's allocations and the worker's kernel. */
  budget: MemoryBudget;
  /**
   * With `partitions` > 1, run tables are hash-partitioned: this slot's table takes the keys of
   * `partition` (its slot index), and the scan hands the rest back, packed by partition, for the
   * tables that own them. Each key then lives in one table: memory and sorting follow rows, not
   * threads × rows.
   */
  partition?: number;
  partitions?: number;
}

/** `absorb`: add rows handed off by scans to the table of the partition that owns them. */
export interface AbsorbTask {
  table?: TableState;
  budget: MemoryBudget;
  pieces: PackedRows[];
}

/** An absorb task's reply: the table's new state. */
export type AbsorbReply = { table: TableState } | { error: ErrorData };

/** Any task's reply when it failed: the error as data. */
export type ErrorReply = { error: ErrorData };

/** What a successful task sends back, after the packed table, as JSON in the buffer's trailer. */
export interface ScanTrailer {
  counters: ScanCounters;
  /** Decompressed bytes produced. */
  inflatedBytes: number;
  /** The key the object was digested under (every object of a run must share one). */
  key: string[];
  /** The packets-lost-* fields the object's format held and its rows sum (absent: none). */
  lost?: PacketsLostField[];
}

/**
 * A scan task's reply: the run table's new state, what the scan saw, and (with partitions) the
 * rows of other partitions, by partition (transferred); or an error as data.
 */
export type ScanReply = { table: TableState; trailer: ScanTrailer; handoff?: PackedRows[][] } | { error: ErrorData };

/** Sort one run table (task `sortRun`). */
export interface SortTask {
  table: TableView;
  /** The run's memory budget, charged by the worker's kernel. */
  budget: MemoryBudget;
}

/** A sort task's reply: the entries in canonical order, in shared memory (read by every range task). */
export type SortReply = SortedOrder | { error: ErrorData };

/** A run table's canonical order, and whether the table was laid out in it (see SortedRun). */
export interface SortedOrder {
  order: Int32Array;
  laidOut: boolean;
}

/** Merge one range of the sorted runs (tasks `countRange`, `renderRange` and `partitionRange`). */
export interface RangeTask {
  runs: SortedRun[];
  range: RunRange;
  /** The run's memory budget, charged by the worker's kernel. */
  budget: MemoryBudget;
  /** For `renderRange`: the output format and what the digest saw. */
  format?: RowFormat;
  seen?: Seen;
  /** For `renderRange`: the digest's key fields (absent: v2's). */
  key?: string[];
  /** For `renderRange` and `partitionRange`: the packets-lost-* fields the digest sums (absent: none). */
  lost?: PacketsLostField[];
}

/** `countRange`'s reply: the merged rows in the range, and the script that replays the merge. */
export type CountReply = { rows: number; script: MergeScript | null } | { error: ErrorData };

/** `renderRange`'s reply: the range's formatted bytes; `partitionRange`'s: its partition (transferred). */
export type RenderReply = ArrayBuffer | { error: ErrorData };

/**
 * `finishRuns`: a small digest's whole finish in one task. The rows still waiting for a
 * partition's table are absorbed, every table is sorted (and laid out in its order), and the
 * one range of the runs is merged to count its rows: one round through the pool instead of
 * three (absorb, sort, count), each of which waited its turn for a thread.
 */
export interface FinishTask {
  /** Every slot's table (absent: the slot never scanned; its pieces start one). */
  tables: Array<TableState | undefined>;
  /** Rows handed off for each slot's partition and not yet absorbed, by slot. */
  pieces: PackedRows[][];
  budget: MemoryBudget;
}

/**
 * `finishRuns`' reply: the tables that hold rows (new states, in slot order), each one's order
 * (shared memory), and the merged rows of the one range with the script that replays the merge.
 */
export type FinishReply =
  | { tables: TableState[]; orders: SortedOrder[]; rows: number; script: MergeScript | null }
  | { error: ErrorData };
