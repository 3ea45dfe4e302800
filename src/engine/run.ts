/**
 * One digest run as an object with named steps: {@link DigestRun.list} the objects,
 * {@link DigestRun.prefetch} their bytes, {@link DigestRun.scan} each on a worker into a slot's run
 * table, {@link DigestRun.absorb} rows a scan found for another slot's partition,
 * {@link DigestRun.finish} (sort and merge the tables) and {@link DigestRun.write} the digest.
 * {@link DigestRun.run} chains the first five; each step can be driven alone (tests do).
 */
import { setMaxListeners } from 'node:events';
import type { Writable } from 'node:stream';
import type { PackedRows } from '../digest/collector.js';
import { addStats, Digest, type DigestStats, emptyStats, MAX_SAMPLES } from '../digest/digest.js';
import { type RunRange, type SortedRun, splitRanges } from '../digest/runs.js';
import { PACKETS_LOST_FIELDS } from '../format/fields.js';
import { type DigestFormat, writeDigest } from '../digest/write.js';
import { AbortError, CorruptObjectError, FlowdigestError, FormatError, InputError } from '../errors.js';
import type { ScanPool } from '../pool/pool.js';
import type { ScanTask } from '../pool/protocol.js';
import { type Prefetched, prefetch } from '../prefetch/prefetch.js';
import { readAhead } from '../prefetch/read-ahead.js';
import type { ListContext, ObjectRef, ObjectSource } from '../sources/source.js';
import { checkMemoryFloor } from './memory-floor.js';
import { type MemoryBudget, memoryBudget, type TableState, type TableView } from '../table/table.js';
import { type DigestInput, toSources } from './inputs.js';
import { type DigestRunOptions, type ResolvedDigesterOptions, resolveRunOptions } from './options.js';
import { type Progress, progressTracker } from './progress.js';
import { RunTables } from './run-tables.js';

/** A listed object and the source that reads it. */
export interface ListedObject {
  ref: ObjectRef;
  source: ObjectSource;
  size: number;
}

/** Listed objects held ahead of the downloads (so totals and ETAs are known early). */
const LIST_AHEAD = 10_000;
/** Bytes of listed-with-their-data objects (stdin blocks) held ahead. */
const LIST_AHEAD_BYTES = 16 * 1024 * 1024;
/**
 * A digest of at most this many rows (and at most one range) is finished in one task: absorb,
 * sort and count on one worker, one round through the pool instead of three. Measured in
 * docs/performance.md ("Low cardinality").
 */
export const FINISH_ONE_TASK_ROWS = 32768;

/**
 * @internal One run of a digester's pool over some sources. Its state (the first failure, the
 * tasks in flight, the rows waiting for another slot's table) is private to the run.
 */
export class DigestRun {
  /** The run's counters, added to as objects finish. */
  readonly stats: DigestStats = emptyStats();
  private readonly sources: readonly ObjectSource[];
  private readonly tables: RunTables;
  private readonly budget: MemoryBudget;
  private readonly window: { windowStart?: number; windowEnd?: number };
  /** The header-less format (`fields`) and the key choice (`key`), handed to every scan. */
  private readonly headerless: readonly string[] | undefined;
  private readonly keySpec: ReturnType<typeof resolveRunOptions>['keySpec'];
  /** The key the first object was digested under, and that object: every other must share it. */
  private runKey: readonly string[] | undefined;
  private runKeyFrom = '';
  /** Bits of the packets-lost-* fields (PACKETS_LOST_FIELDS order) any object's format held. */
  private runLost = 0;
  private readonly accounts: Set<string> | undefined;
  private readonly regions: Set<string> | undefined;
  private readonly progress: Progress;
  private readonly report: () => void;
  // Our own controller, so a failing object cancels everything else in flight.
  private readonly controller = new AbortController();
  private readonly ctx: ListContext;
  /** Hash partitions of the run tables: one per slot. */
  private readonly parts: number;
  /** Rows a scan found for another slot's partition, waiting until that slot is free. */
  private readonly pending: PackedRows[][];
  /** The absorb loop of each partition, while it runs. */
  private readonly absorbing: Array<Promise<void> | null>;
  private readonly inflight = new Set<Promise<void>>();
  private failure: unknown;
  /** Set once every scan is dispatched ({@link settle}): a small digest's hand-offs then wait for the finish. */
  private draining = false;

  constructor(
    private readonly pool: ScanPool,
    private readonly opts: ResolvedDigesterOptions,
    inputs: readonly DigestInput[],
    private readonly options: DigestRunOptions,
  ) {
    // The run options are checked before the inputs.
    const { fields: headerless, keySpec, ...window } = resolveRunOptions(options);
    this.window = window;
    this.headerless = headerless;
    this.keySpec = keySpec;
    this.sources = toSources(inputs, { s3: opts.s3 });
    this.tables = new RunTables(pool.threads);
    checkMemoryFloor(opts.maxMemory, pool.threads);
    this.budget = memoryBudget(opts.maxMemory);
    this.accounts = options.accounts ? new Set(options.accounts) : undefined;
    this.regions = options.regions ? new Set(options.regions) : undefined;
    ({ progress: this.progress, report: this.report } = progressTracker(options.onProgress));
    // One listener per in-flight task (Piscina, fs) is expected, not a leak.
    setMaxListeners(0, this.controller.signal);
    this.ctx = {
      signal: this.controller.signal,
      skip: (_key, reason) => {
        this.stats.listingSkipped[reason] = (this.stats.listingSkipped[reason] ?? 0) + 1;
      },
      selection: { start: options.start, end: options.end, accounts: options.accounts, regions: options.regions },
      // One object reached through two inputs is digested once.
      seen: new Set(),
    };
    this.parts = Math.max(this.tables.count, 1);
    this.pending = Array.from({ length: this.parts }, () => []);
    this.absorbing = Array.from({ length: this.parts }, () => null);
  }

  /** The run's signal: aborted by the caller's signal or by the first failure. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Every step in order: list, prefetch, scan (and absorb), finish. */
  async run(): Promise<Digest> {
    const outer = this.options.signal;
    const onAbort = () => this.controller.abort(outer?.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    if (outer?.aborted) this.controller.abort(outer.reason);
    try {
      try {
        for await (const item of this.prefetch(this.list())) {
          await this.scan(item);
          if (this.failure !== undefined) break;
        }
      } catch (err) {
        this.fail(err);
      } finally {
        await this.settle();
      }
      if (outer?.aborted) throw this.failure instanceof AbortError ? this.failure : new AbortError(outer.reason);
      if (this.failure !== undefined) throw asFlowdigestError(this.failure);
      const digest = await this.finish().catch((err: unknown) => {
        throw outer?.aborted ? new AbortError(outer.reason) : asFlowdigestError(err);
      });
      this.report();
      return digest;
    } finally {
      outer?.removeEventListener('abort', onAbort);
    }
  }

  /** Step 1: the objects of every source; whole objects the key path excludes are skipped, never downloaded. */
  async *list(): AsyncIterable<ListedObject> {
    const { accounts, regions, ctx, progress } = this;
    for (const source of this.sources) {
      for await (const ref of source.list(ctx)) {
        if (
          (accounts && ref.account !== undefined && !accounts.has(ref.account)) ||
          (regions && ref.region !== undefined && !regions.has(ref.region))
        ) {
          ctx.skip(ref.key, 'not_selected');
          continue;
        }
        progress.objectsListed++;
        progress.storedBytesListed += ref.size;
        this.report();
        yield { ref, source, size: ref.size };
      }
    }
    progress.listingDone = true;
    this.report();
  }

  /** Step 2: download listed objects ahead of the scans, within the digester's byte budget. */
  prefetch(listed: AsyncIterable<ListedObject>): AsyncIterable<Prefetched<ListedObject>> {
    return prefetch(
      readAhead(listed, {
        items: LIST_AHEAD,
        bytes: LIST_AHEAD_BYTES,
        weigh: (t) => (t.ref.listedWithData ? t.size : 0),
        // Largest listed object first: the small ones then fill the end of the run, and the
        // workers finish together instead of one scanning a large object alone.
        priority: (t) => t.size,
      }),
      (t, s) => t.source.read(t.ref, s),
      { concurrency: this.opts.prefetchConcurrency, maxBytes: this.opts.prefetchBytes, signal: this.signal },
    );
  }

  /**
   * Step 3: scan one downloaded object on a worker into a free slot's table. Resolves once the
   * scan is dispatched (a slot was free); the scan itself is in flight until {@link settle}.
   */
  async scan(item: Prefetched<ListedObject>): Promise<void> {
    const t = item.ref;
    if (item.data === null) {
      item.release();
      this.skipOrFail(t, item.error);
      return;
    }
    const { tables, stats, progress } = this;
    const slot = await tables.acquire();
    const task = buildTask(
      t.ref,
      item.data,
      this.options,
      this.window,
      this.accounts,
      this.regions,
      tables.state(slot),
      this.budget,
    );
    if (this.headerless !== undefined) task.headerless = [...this.headerless];
    if (this.keySpec !== undefined) task.keySpec = this.keySpec;
    if (this.options.keyFromHeader) task.keyFromHeader = true;
    if (this.parts > 1) {
      task.partition = slot;
      task.partitions = this.parts;
    }
    const p = this.pool
      .scan(task, this.signal)
      .then(
        (result) => {
          tables.release(slot, result.table);
          this.checkKey(t.ref.key, result.key);
          for (const f of result.lost ?? []) this.runLost |= 1 << PACKETS_LOST_FIELDS.indexOf(f);
          result.handoff?.forEach((pieces, q) => {
            for (const piece of pieces) this.absorb(q, piece);
          });
          // A stream's later blocks are parts of one object, not objects of their own.
          const objects = t.ref.firstLine === undefined ? 1 : 0;
          const elided = t.ref.elidedBytes ?? 0;
          addStats(stats, {
            ...result.counters,
            bytesRead: result.counters.bytesRead + elided,
            objects,
            storedBytes: t.size + elided,
            skippedObjects: [],
            listingSkipped: {},
          });
          progress.lines += result.counters.lines;
          this.objectDone(t);
        },
        // A failed scan added nothing to the slot's table: the object is only added when whole.
        (err) => {
          tables.release(slot);
          this.skipOrFail(t, err);
        },
      )
      .finally(() => {
        item.release();
        this.inflight.delete(p);
      });
    this.inflight.add(p);
  }

  /**
   * Step 4: hand rows of partition `q`, found by a scan on another slot, to `q`'s table. They wait
   * until slot `q` is free, then go in as one absorb task with whatever else queued meanwhile.
   */
  absorb(q: number, piece: PackedRows): void {
    this.pending[q].push(piece);
    if (this.absorbing[q] !== null) return;
    // After the last scan is dispatched, a small digest's rows wait for the finish's one task.
    if (this.draining) {
      if (this.oneTaskFinish()) return;
      for (let p = 0; p < this.parts; p++) if (this.pending[p].length > 0) this.pump(p);
      return;
    }
    this.pump(q);
  }

  /** Start partition `q`'s absorb loop (it must not be running). */
  private pump(q: number): void {
    const { pending, absorbing, tables } = this;
    if (absorbing[q] !== null) return;
    const p = (async () => {
      while (pending[q].length > 0 && this.failure === undefined) {
        await tables.acquire(q);
        const pieces = pending[q].splice(0);
        try {
          tables.release(
            q,
            await this.pool.absorb({ table: tables.state(q), budget: this.budget, pieces }, this.signal),
          );
        } catch (err) {
          tables.release(q);
          this.fail(err);
        }
      }
      // In the same turn as the last check of `pending`: a piece handed off after it starts a new loop.
      absorbing[q] = null;
    })().finally(() => {
      this.inflight.delete(p);
    });
    absorbing[q] = p;
    this.inflight.add(p);
  }

  /** Wait until no scan or absorb is in flight (scans that finish may still hand rows off). */
  async settle(): Promise<void> {
    this.draining = true;
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Every object of a run is digested under one key (VPC and Transit Gateway logs differ). */
  private checkKey(object: string, key: readonly string[]): void {
    if (this.runKey === undefined) {
      this.runKey = key;
      this.runKeyFrom = object;
    } else if (key.join(' ') !== this.runKey.join(' ')) {
      this.fail(
        new FormatError(
          `${object}: digested under the key '${key.join(' ')}', but ${this.runKeyFrom} under '${this.runKey.join(' ')}' (VPC and Transit Gateway logs, or digests of different keys, in one run?): pass --key to choose one`,
          { key: object },
        ),
      );
    }
  }

  /**
   * Step 5, the parallel finish: every run table is sorted on a worker; the sorted runs are cut
   * into ranges at sampled splitters, each merged and formatted on a worker as the digest is
   * written. The main thread only picks the splitters: its work follows the number of ranges,
   * not of rows. Call after {@link settle}.
   */
  async finish(): Promise<Digest> {
    const { pool, stats, signal } = this;
    stats.skippedObjects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (this.oneTaskFinish()) return this.finishInOneTask();
    // Rows held for a one-task finish that turned out too big go in as usual first.
    if (this.pending.some((p) => p.length > 0)) {
      for (let q = 0; q < this.parts; q++) if (this.pending[q].length > 0) this.pump(q);
      await this.settle();
      if (this.failure !== undefined) throw this.failure;
    }
    const filled = this.tables.filled();
    if (filled.length === 0) return this.digestOf([], [], 0);
    this.stage('sorting');
    const orders = await Promise.all(filled.map((table) => pool.sort(table, this.budget, signal)));
    const runs: SortedRun[] = filled.map((table, i) => ({ table: viewOfState(table), ...orders[i] }));
    // The tables hold disjoint keys (each key's rows go to the partition of its hash), so the
    // digest has a row for each of their entries: no range is merged to count them, and each
    // range is merged once, as it is written.
    const rows = filled.reduce((n, t) => n + t.size, 0);
    const ranges = splitRanges(runs, Math.ceil(rows / this.opts.rangeRows));
    this.stage('merging');
    return this.digestOf(runs, ranges, rows);
  }

  /** The digest of the finished runs, under the run's key, summing its packets-lost-* fields. */
  private digestOf(runs: SortedRun[], ranges: RunRange[], rows: number): Digest {
    const lost = PACKETS_LOST_FIELDS.filter((_, i) => (this.runLost & (1 << i)) !== 0);
    return Digest.fromRuns(runs, ranges, rows, this.stats, this.pool.renderer(this.budget), this.runKey).withLost(lost);
  }

  /**
   * True when the digest is small enough to finish in one task: its tables' rows plus the rows
   * waiting to be absorbed (a bound: a waiting row may already be in its table) fit in one range
   * and in {@link FINISH_ONE_TASK_ROWS}.
   */
  private oneTaskFinish(): boolean {
    let rows = 0;
    for (let q = 0; q < this.parts; q++) {
      rows += this.tables.state(q)?.size ?? 0;
      for (const piece of this.pending[q]) rows += piece.rows;
    }
    return rows <= Math.min(FINISH_ONE_TASK_ROWS, this.opts.rangeRows);
  }

  /** The finish of a small digest: one task absorbs the waiting rows, sorts every table and counts. */
  private async finishInOneTask(): Promise<Digest> {
    const { pool, signal } = this;
    const pieces = this.pending.map((p) => p.splice(0));
    const states = Array.from({ length: this.parts }, (_, q) => this.tables.state(q));
    if (pieces.every((p) => p.length === 0) && states.every((t) => t === undefined || t.size === 0))
      return this.digestOf([], [], 0);
    this.stage('sorting');
    const done = await pool.finish({ tables: states, pieces, budget: this.budget }, signal);
    // The task sorted and merged (counted) in one go: the run passes through both stages all the same.
    this.stage('merging');
    const runs: SortedRun[] = done.tables.map((table, i) => ({ table: viewOfState(table), ...done.orders[i] }));
    if (runs.length === 0) return this.digestOf([], [], 0);
    const ranges = splitRanges(runs, 1);
    if (done.script !== null) ranges[0].script = done.script;
    return this.digestOf(runs, ranges, done.rows);
  }

  /**
   * Step 6: write `digest` to `out` in `format` (ranges are formatted on the pool's workers while
   * it is open). Does not end `out`.
   */
  write(digest: Digest, out: Writable, format: DigestFormat = 'text'): Promise<void> {
    return writeDigest(digest, out, format);
  }

  private stage(stage: 'sorting' | 'merging'): void {
    this.progress.stage = stage;
    this.report();
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    this.controller.abort(err);
  }

  private objectDone(t: ListedObject): void {
    this.progress.objectsDone++;
    this.progress.storedBytesDone += t.size;
    this.report();
  }

  private skipOrFail(t: ListedObject, err: unknown): void {
    const skippable = err instanceof CorruptObjectError || err instanceof InputError;
    if (this.options.skipBadObjects && skippable && !this.signal.aborted) {
      this.stats.skippedObjects.push({ key: t.ref.key, reason: (err as Error).message });
      this.objectDone(t);
    } else {
      this.fail(err);
    }
  }
}

// Posted to every range task: only the columns, not the hash slots.
function viewOfState(s: TableState): TableView {
  return { size: s.size, ints: s.ints, nums: s.nums, keyBytes: s.keyBytes, ...(s.lost ? { lost: s.lost } : {}) };
}

function buildTask(
  ref: ObjectRef,
  data: Uint8Array,
  run: DigestRunOptions,
  window: { windowStart?: number; windowEnd?: number },
  accounts: Set<string> | undefined,
  regions: Set<string> | undefined,
  table: TableState | undefined,
  budget: MemoryBudget,
): ScanTask {
  const task: ScanTask = {
    key: ref.key,
    data: transferable(data),
    strict: run.strict ?? false,
    maxSamples: MAX_SAMPLES,
    budget,
    ...window,
  };
  if (table) task.table = table;
  // The key path already decided these selections when it named an account / region.
  if (accounts && ref.account === undefined) task.accounts = [...accounts];
  if (regions && ref.region === undefined) task.regions = [...regions];
  if (ref.fields) task.fields = ref.fields;
  if (ref.firstLine !== undefined) task.firstLine = ref.firstLine;
  return task;
}

// A Buffer may be a view into a shared slab (or a larger buffer): transferring its backing store
// would hand the worker bytes outside the object and detach other data. Copy those; note that
// Buffer#slice returns a view, so the copy goes through the Uint8Array constructor.
function transferable(data: Uint8Array): ArrayBuffer {
  if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer)
    return data.buffer;
  return new Uint8Array(data).buffer;
}

function asFlowdigestError(err: unknown): FlowdigestError {
  if (err instanceof FlowdigestError) return err;
  if ((err as Error)?.name === 'AbortError') return new AbortError(err);
  return new InputError((err as Error)?.message ?? String(err), {}, { cause: err });
}
