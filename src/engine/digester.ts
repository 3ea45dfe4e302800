/**
 * The engine: sources → prefetch → pool → sorted runs. The main thread only lists, reads and
 * dispatches; workers gunzip, scan and aggregate into hash-partitioned run tables (one per
 * worker slot), then sort those tables and merge them range by range (see {@link finish}).
 */
import { setMaxListeners } from 'node:events';
import { addStats, Digest, type DigestStats, emptyStats, MAX_SAMPLES } from '../digest/digest.js';
import { type SortedRun, splitRanges } from '../digest/runs.js';
import type { PackedRows } from '../digest/collector.js';
import { memoryBudget, type MemoryBudget, type TableState, type TableView } from '../table/table.js';
import {
  AbortError,
  CorruptObjectError,
  FlowdigestError,
  FormatError,
  InputError,
  InvalidOptionError,
} from '../errors.js';
import { ScanPool } from '../pool/pool.js';
import type { ScanTask } from '../pool/protocol.js';
import { prefetch } from '../prefetch/prefetch.js';
import { readAhead } from '../prefetch/read-ahead.js';
import { FileSource } from '../sources/files.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { S3Source } from '../sources/s3/source.js';
import { isS3Url } from '../sources/s3/url.js';
import type { ListContext, ObjectRef, ObjectSource } from '../sources/source.js';
import { StreamSource } from '../sources/stream.js';
import {
  type DigesterOptions,
  type DigestRunOptions,
  resolveDigesterOptions,
  resolveRunOptions,
  type ResolvedDigesterOptions,
} from './options.js';
import { progressTracker } from './progress.js';
import { RunTables } from './run-tables.js';

/** An input: a file or directory path, `s3://bucket[/prefix]`, `-` for stdin, or any {@link ObjectSource}. */
export type DigestInput = string | ObjectSource;

/** A reusable digester: one worker pool for many runs. Call {@link Digester.close} when done. */
export interface Digester {
  readonly options: ResolvedDigesterOptions;
  /** Digest every object of `inputs` into one digest. */
  digest(inputs: readonly DigestInput[], options?: DigestRunOptions): Promise<Digest>;
  /** Share of worker time spent busy (0..1). */
  readonly utilization: number;
  /** Stop the worker threads. */
  close(): Promise<void>;
}

/** Create a digester with its own worker pool. */
export function createDigester(options: DigesterOptions = {}): Digester {
  const resolved = resolveDigesterOptions(options);
  const pool = new ScanPool({ threads: resolved.threads });
  return {
    options: resolved,
    digest: (inputs, runOptions = {}) => runDigest(pool, resolved, inputs, runOptions),
    get utilization() {
      return pool.utilization;
    },
    close: () => pool.close(),
  };
}

/** One-shot: digest `inputs` with a temporary pool. */
export async function digestInputs(
  inputs: readonly DigestInput[],
  options: DigestRunOptions & DigesterOptions = {},
): Promise<Digest> {
  const digester = createDigester(options);
  try {
    return await digester.digest(inputs, options);
  } finally {
    await digester.close();
  }
}

/** Turn inputs into sources; `-` is stdin, `s3://…` an {@link S3Source} reached with `options.s3`. */
export function toSources(inputs: readonly DigestInput[], options: { s3?: S3ClientOptions } = {}): ObjectSource[] {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new InvalidOptionError('inputs', 'must be a non-empty array of paths or sources');
  return inputs.map((input, i) => {
    if (typeof input === 'string') {
      if (input === '') throw new InvalidOptionError(`inputs[${i}]`, 'must not be empty');
      if (isS3Url(input)) return new S3Source(input, options.s3);
      return input === '-' ? new StreamSource(process.stdin) : new FileSource(input);
    }
    if (
      input === null ||
      typeof input !== 'object' ||
      typeof input.list !== 'function' ||
      typeof input.read !== 'function'
    ) {
      throw new InvalidOptionError(`inputs[${i}]`, 'must be a path string or an ObjectSource');
    }
    return input;
  });
}

interface Tagged {
  ref: ObjectRef;
  source: ObjectSource;
  size: number;
}

/** Listed objects held ahead of the downloads (so totals and ETAs are known early). */
const LIST_AHEAD = 10_000;
/** Bytes of listed-with-their-data objects (stdin blocks) held ahead. */
const LIST_AHEAD_BYTES = 16 * 1024 * 1024;

async function runDigest(
  pool: ScanPool,
  opts: ResolvedDigesterOptions,
  inputs: readonly DigestInput[],
  run: DigestRunOptions,
): Promise<Digest> {
  const { fields: headerless, keySpec, ...window } = resolveRunOptions(run);
  /** The key the first object was digested under; every other object must share it. */
  let runKey: readonly string[] | undefined;
  let runKeyFrom = '';
  const sources = toSources(inputs, { s3: opts.s3 });
  const stats = emptyStats();
  const tables = new RunTables(pool.threads);
  const budget = memoryBudget(opts.maxMemory);
  const accounts = run.accounts ? new Set(run.accounts) : undefined;
  const regions = run.regions ? new Set(run.regions) : undefined;
  const { progress, report } = progressTracker(run.onProgress);

  // Our own controller, so a failing object cancels everything else in flight.
  const controller = new AbortController();
  // One listener per in-flight task (Piscina, fs) is expected, not a leak.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(run.signal?.reason);
  run.signal?.addEventListener('abort', onAbort, { once: true });
  if (run.signal?.aborted) controller.abort(run.signal.reason);
  const signal = controller.signal;

  const ctx: ListContext = {
    signal,
    skip: (_key, reason) => {
      stats.listingSkipped[reason] = (stats.listingSkipped[reason] ?? 0) + 1;
    },
    selection: { start: run.start, end: run.end, accounts: run.accounts, regions: run.regions },
  };

  // Whole objects the key path excludes never get downloaded.
  async function* listAll(): AsyncIterable<Tagged> {
    for (const source of sources) {
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
        report();
        yield { ref, source, size: ref.size };
      }
    }
    progress.listingDone = true;
    report();
  }

  let failure: unknown;
  const inflight = new Set<Promise<void>>();
  // Run tables are hash-partitioned, one partition per slot: rows a scan found for another
  // slot's partition wait here until that slot is free, then go in as one absorb task.
  const parts = Math.max(tables.count, 1);
  const pending: PackedRows[][] = Array.from({ length: parts }, () => []);
  const absorbing: Array<Promise<void> | null> = Array.from({ length: parts }, () => null);
  const handOff = (q: number, piece: PackedRows) => {
    pending[q].push(piece);
    if (absorbing[q] !== null) return;
    const p = (async () => {
      while (pending[q].length > 0 && failure === undefined) {
        await tables.acquire(q);
        const pieces = pending[q].splice(0);
        try {
          tables.release(q, await pool.absorb({ table: tables.state(q), budget, pieces }, signal));
        } catch (err) {
          tables.release(q);
          fail(err);
        }
      }
      // In the same turn as the last check of `pending`: a piece handed off after it starts a new loop.
      absorbing[q] = null;
    })().finally(() => {
      inflight.delete(p);
    });
    absorbing[q] = p;
    inflight.add(p);
  };
  const fail = (err: unknown) => {
    failure ??= err;
    controller.abort(err);
  };
  const finishObject = (t: Tagged) => {
    progress.objectsDone++;
    progress.storedBytesDone += t.size;
    report();
  };
  const skipOrFail = (t: Tagged, err: unknown) => {
    const skippable = err instanceof CorruptObjectError || err instanceof InputError;
    if (run.skipBadObjects && skippable && !signal.aborted) {
      stats.skippedObjects.push({ key: t.ref.key, reason: (err as Error).message });
      finishObject(t);
    } else {
      fail(err);
    }
  };

  try {
    try {
      const items = prefetch(
        readAhead(listAll(), {
          items: LIST_AHEAD,
          bytes: LIST_AHEAD_BYTES,
          weigh: (t) => (t.ref.listedWithData ? t.size : 0),
        }),
        (t, s) => t.source.read(t.ref, s),
        {
          concurrency: opts.prefetchConcurrency,
          maxBytes: opts.prefetchBytes,
          signal,
        },
      );
      for await (const item of items) {
        const t = item.ref;
        if (item.data === null) {
          item.release();
          skipOrFail(t, item.error);
          continue;
        }
        const slot = await tables.acquire();
        const task = buildTask(t.ref, item.data, run, window, accounts, regions, tables.state(slot), budget);
        if (headerless !== undefined) task.headerless = headerless;
        if (keySpec !== undefined) task.keySpec = keySpec;
        if (run.keyFromHeader) task.keyFromHeader = true;
        if (parts > 1) {
          task.partition = slot;
          task.partitions = parts;
        }
        const p = pool
          .scan(task, signal)
          .then(
            (result) => {
              tables.release(slot, result.table);
              if (runKey === undefined) {
                runKey = result.key;
                runKeyFrom = t.ref.key;
              } else if (result.key.join(' ') !== runKey.join(' ')) {
                fail(
                  new FormatError(
                    `${t.ref.key}: digested under the key '${result.key.join(' ')}', but ${runKeyFrom} under '${runKey.join(' ')}' (VPC and Transit Gateway logs, or digests of different keys, in one run?): pass --key to choose one`,
                    { key: t.ref.key },
                  ),
                );
              }
              result.handoff?.forEach((piece, q) => {
                if (piece !== null) handOff(q, piece);
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
              finishObject(t);
            },
            // A failed scan added nothing to the slot's table: the object is only added when whole.
            (err) => {
              tables.release(slot);
              skipOrFail(t, err);
            },
          )
          .finally(() => {
            item.release();
            inflight.delete(p);
          });
        inflight.add(p);
        if (failure !== undefined) break;
      }
    } catch (err) {
      fail(err);
    } finally {
      // Scans that finish may still hand rows off: wait until nothing is left in flight.
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    }
    if (run.signal?.aborted) throw failure instanceof AbortError ? failure : new AbortError(run.signal.reason);
    if (failure !== undefined) throw asFlowdigestError(failure);
    stats.skippedObjects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const digest = await finish(pool, tables.filled(), stats, opts.rangeRows, signal, runKey, (stage) => {
      progress.stage = stage;
      report();
    }).catch((err: unknown) => {
      throw run.signal?.aborted ? new AbortError(run.signal.reason) : asFlowdigestError(err);
    });
    report();
    return digest;
  } finally {
    run.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The parallel finish: every run table is sorted on a worker; the sorted runs are cut into
 * ranges at sampled splitters; each range is merged (to count its rows) on a worker. The main
 * thread only picks the splitters: its work follows the number of ranges, not of rows.
 */
async function finish(
  pool: ScanPool,
  filled: TableState[],
  stats: DigestStats,
  rangeRows: number,
  signal: AbortSignal,
  key: readonly string[] | undefined,
  stage: (s: 'sorting' | 'merging') => void,
): Promise<Digest> {
  if (filled.length === 0) return Digest.fromRuns([], [], 0, stats, pool, key);
  stage('sorting');
  const orders = await Promise.all(filled.map((table) => pool.sort(table, signal)));
  const runs: SortedRun[] = filled.map((table, i) => ({ table: viewOfState(table), order: orders[i] }));
  const total = filled.reduce((n, t) => n + t.size, 0);
  const ranges = splitRanges(runs, Math.ceil(total / rangeRows));
  // One run has no key twice: its rows need no merging.
  let rows = 0;
  stage('merging');
  if (runs.length === 1) {
    rows = total;
  } else {
    await Promise.all(
      ranges.map(async (r) => {
        const merged = await pool.count(runs, r, signal);
        rows += merged.rows;
        if (merged.script !== null) r.script = merged.script;
      }),
    );
  }
  return Digest.fromRuns(runs, ranges, rows, stats, pool, key);
}

// Posted to every range task: only the columns, not the hash slots.
function viewOfState(s: TableState): TableView {
  return { size: s.size, ints: s.ints, nums: s.nums, keyBytes: s.keyBytes };
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
