/**
 * The worker pool: a Piscina pool of scan workers. Nothing outside src/pool/ touches threads.
 *
 * At most `tasksPerThread` tasks per thread are handed to Piscina at once (one running, one
 * ready to start the moment it ends); the rest wait here, in a FIFO released as tasks settle or
 * abort. Piscina's own `maxQueue` cannot be that bound: tasks with an AbortSignal skip it.
 * The bound cannot deadlock: a task on a worker never waits for the main thread (the memory
 * budget is an atomic counter, never waited on), so every handed task settles and passes its
 * place to the next; and callers take what they wait for (the engine's run tables) before they
 * submit, never while a task holds a place.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import type { RangeRenderer } from '../digest/digest.js';
import type { RowFormat, Seen } from '../digest/format.js';
import type { RunRange, SortedRun } from '../digest/runs.js';
import type { MemoryBudget, TableState, TableView } from '../table/table.js';
import type { PacketsLostField } from '../format/fields.js';
import { AbortError, errorFromData, InvalidOptionError, WorkerError } from '../errors.js';
import type {
  AbsorbReply,
  AbsorbTask,
  ErrorReply,
  FinishReply,
  FinishTask,
  ScanReply,
  ScanTask,
  ScanTrailer,
  SortReply,
  SortedOrder,
} from './protocol.js';
import type { PackedRows } from '../digest/collector.js';
import { workerExecArgv } from './exec-argv.js';

/** A scanned object: the run table's new state (shared memory), what the scan saw, and rows for other partitions. */
export interface ScanResult extends ScanTrailer {
  table: TableState;
  /** Per partition (this scan's own: none), the pieces of rows its table is to absorb. */
  handoff?: PackedRows[][];
}

export interface ScanPoolOptions {
  /** Worker threads. @default os.availableParallelism() */
  threads?: number;
  /** Tasks handed to Piscina at once, per thread; more wait in the pool's FIFO. @default 2 */
  tasksPerThread?: number;
}

/** A task waiting for room in Piscina. */
interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Piscina loads the worker with `require()` first. On Node 20.19+ that loads our ES module
 * synchronously, and a worker terminated mid-load (an aborted task's worker is) takes the whole
 * process down: "FATAL ERROR: v8::Module::IsGraphAsync must be used on an instantiated module"
 * (seen here in 6 of 75 runs of test/digester-abort-stray-reply under load). With require(esm)
 * off in the workers, Piscina falls back to `import()`, which a termination only cancels.
 */
const NO_REQUIRE_ESM = process.allowedNodeEnvironmentFlags.has('--experimental-require-module')
  ? ['--no-experimental-require-module']
  : [];

/**
 * How an idle worker waits for its next task: with Atomics.waitAsync, not Piscina's default
 * blocking Atomics.wait, so its event loop turns between tasks and what a task left to run
 * after it (util/reclaim's collection of the buffers it dropped) runs while the worker is idle.
 * With the blocking wait it ran only when a task awaited something, so never in a run of sync
 * tasks (a sort, then the ranges): a sorted worker's old kernel (55 MiB at 411 k entries) could
 * outlive the whole write. A 40%, 16 pairs: peak RSS 370-387 MiB against 364-447, time even
 * (docs/kernel.md, "The run tables' steps, costed").
 */
export const WORKER_ATOMICS = 'async';

export class ScanPool {
  private readonly piscina: Piscina;
  readonly threads: number;
  /** Measured: with as many workers as cores, inflating on the workers' threads is ~15% faster
   *  and ~50 MB leaner; with fewer, the stream's pool threads put the idle cores to work. */
  private readonly inflateOnThread: boolean;
  private closed = false;
  /** Most tasks handed to Piscina at once (threads x tasksPerThread). */
  readonly maxHanded: number;
  private handedNow = 0;
  private submittedTotal = 0;
  private readonly fifo: Waiter[] = [];
  // Busy thread-time, integrated here: Piscina 5's `utilization` divides a mean already in
  // milliseconds by 1000 again, so it reads 1000 times too low.
  private readonly started = performance.now();
  private inFlight = 0;
  private busyMs = 0;
  private lastChange = this.started;

  constructor(options: ScanPoolOptions = {}) {
    this.threads = options.threads ?? availableParallelism();
    const perThread = options.tasksPerThread ?? 2;
    if (!Number.isInteger(perThread) || perThread < 1)
      throw new InvalidOptionError('tasksPerThread', `must be a whole number >= 1, got ${String(perThread)}`);
    this.maxHanded = this.threads * perThread;
    this.inflateOnThread = this.threads >= availableParallelism();
    this.piscina = new (loadPiscina())({
      filename: new URL('./worker.js', import.meta.url).href,
      minThreads: this.threads,
      maxThreads: this.threads,
      // Objects wait in our prefetcher (bounded by bytes), other tasks in this pool's FIFO: Piscina
      // holds at most maxHanded tasks, so its queue never reaches this (a backstop only).
      maxQueue: this.maxHanded,
      idleTimeout: 30_000,
      atomics: WORKER_ATOMICS,
      execArgv: [...workerExecArgv(NO_REQUIRE_ESM)],
    });
    // Piscina reports a reply that arrives for a task already aborted as a pool 'error'
    // ("Unexpected message from Worker"). Each task settles on its own promise, so such an
    // event carries nothing to act on; unhandled, it would crash the process.
    this.piscina.on('error', (err: unknown) => {
      this.lastPoolError = err;
    });
  }

  /** The last pool-level error Piscina reported (diagnostics only). */
  lastPoolError: unknown = undefined;

  /** Scan one object on a worker into `task.table`. The task's `data` buffer is transferred (unusable afterwards). */
  async scan(task: ScanTask, signal?: AbortSignal): Promise<ScanResult> {
    task.inflateOnThread = this.inflateOnThread;
    const reply = await this.run<Exclude<ScanReply, ErrorReply>>(task, 'default', task.key, signal, [task.data]);
    return { table: reply.table, ...reply.trailer, ...(reply.handoff ? { handoff: reply.handoff } : {}) };
  }

  /** Add handed-off rows to a partition's table on a worker; its new state. The pieces are transferred. */
  async absorb(task: AbsorbTask, signal?: AbortSignal): Promise<TableState> {
    const reply = await this.run<Exclude<AbsorbReply, ErrorReply>>(
      task,
      'absorb',
      'adding rows to a run table',
      signal,
      task.pieces.map((p) => p.buffer),
    );
    return reply.table;
  }

  /** A run table's entries in canonical order, sorted on a worker (shared memory). */
  async sort(table: TableView, budget: MemoryBudget, signal?: AbortSignal): Promise<SortedOrder> {
    return this.run<Exclude<SortReply, ErrorReply>>({ table, budget }, 'sortRun', 'sorting a run table', signal);
  }

  /**
   * A small digest's whole finish on one worker: absorb `task.pieces`, sort every table, merge the
   * one range. The pieces are transferred.
   */
  async finish(task: FinishTask, signal?: AbortSignal): Promise<Exclude<FinishReply, ErrorReply>> {
    return this.run<Exclude<FinishReply, ErrorReply>>(
      task,
      'finishRuns',
      'finishing the run tables',
      signal,
      task.pieces.flatMap((ps) => ps.map((p) => p.buffer)),
    );
  }

  /** The pool as a digest's range renderer: its workers' kernels charge `budget` (the run's). */
  renderer(budget: MemoryBudget): RangeRenderer {
    const pool = this;
    return {
      get open() {
        return pool.open;
      },
      get parallelism() {
        return pool.parallelism;
      },
      render: (runs, range, format, seen, key, lost) => pool.render(runs, range, format, seen, budget, key, lost),
      partition: (runs, range, lost) => pool.partition(runs, range, lost, budget),
    };
  }

  /** One range of sorted runs, merged and formatted on a worker. */
  async render(
    runs: readonly SortedRun[],
    range: RunRange,
    format: RowFormat,
    seen: Seen,
    budget: MemoryBudget,
    key?: readonly string[],
    lost?: readonly PacketsLostField[],
  ): Promise<Uint8Array> {
    const reply = await this.run<ArrayBuffer>(
      {
        runs,
        range,
        budget,
        format,
        seen: { packetsSeen: seen.packetsSeen, bytesSeen: seen.bytesSeen },
        ...(key === undefined ? {} : { key: [...key] }),
        ...(lost === undefined || lost.length === 0 ? {} : { lost: [...lost] }),
      },
      'renderRange',
      'formatting a range',
    );
    return new Uint8Array(reply);
  }

  /** One range of sorted runs, merged on a worker into a binary partial's partition (digest/partial.ts). */
  async partition(
    runs: readonly SortedRun[],
    range: RunRange,
    lost: readonly PacketsLostField[],
    budget: MemoryBudget,
  ): Promise<Uint8Array> {
    const reply = await this.run<ArrayBuffer>(
      { runs, range, budget, ...(lost.length === 0 ? {} : { lost: [...lost] }) },
      'partitionRange',
      'writing a partition of the partial',
    );
    return new Uint8Array(reply);
  }

  /** False once closed. */
  get open(): boolean {
    return !this.closed;
  }

  /** Tasks handed to Piscina and not yet settled (at most {@link maxHanded}). */
  get handed(): number {
    return this.handedNow;
  }

  /** Tasks handed to Piscina since the pool started (diagnostics: a task aborted while waiting never counts). */
  get submitted(): number {
    return this.submittedTotal;
  }

  /** Tasks waiting in this pool's FIFO for room in Piscina. */
  get waiting(): number {
    return this.fifo.length;
  }

  /** Tasks in Piscina's own queue (handed, not yet on a thread): at most maxHanded - threads once all threads run. */
  get piscinaQueued(): number {
    return this.piscina.queueSize;
  }

  /** Ranges formatted at once: one per thread. */
  get parallelism(): number {
    return this.threads;
  }

  // Every task replies with its result or with `{ error }` (errors cross threads as data): the
  // error is rebuilt, with its class and code, and thrown here.
  private async run<T>(
    task: object,
    name: string,
    what: string,
    signal?: AbortSignal,
    transferList?: ArrayBuffer[],
  ): Promise<T> {
    if (this.closed) throw new WorkerError('the scan pool is closed');
    await this.enter(signal);
    if (this.closed) {
      this.leave();
      throw new WorkerError('the scan pool is closed');
    }
    let reply: T | ErrorReply;
    this.account();
    this.inFlight++;
    try {
      this.submittedTotal++;
      reply = (await this.piscina.run(task, { name, transferList, signal })) as T | ErrorReply;
    } catch (err) {
      if (signal?.aborted || (err as Error).name === 'AbortError') throw new AbortError(signal?.reason ?? err);
      const key = (task as { key?: string }).key;
      throw new WorkerError(
        `worker failed ${key === undefined ? what : `on ${key}`}: ${(err as Error).message}`,
        key === undefined ? {} : { key },
        { cause: err },
      );
    } finally {
      this.leave();
      this.account();
      this.inFlight--;
    }
    if (reply !== null && typeof reply === 'object' && !(reply instanceof ArrayBuffer) && 'error' in reply)
      throw errorFromData((reply as ErrorReply).error);
    return reply as T;
  }

  // A place among the tasks handed to Piscina: now, or once the tasks ahead in the FIFO have one.
  // Aborted while waiting, the task leaves the FIFO and never reaches Piscina.
  private enter(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    if (this.handedNow < this.maxHanded && this.fifo.length === 0) {
      this.handedNow++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject };
      if (signal !== undefined) {
        w.signal = signal;
        w.onAbort = () => {
          const i = this.fifo.indexOf(w);
          if (i >= 0) this.fifo.splice(i, 1);
          reject(new AbortError(signal.reason));
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.fifo.push(w);
    });
  }

  // A handed task settled: its place goes to the FIFO's head (or back to the pool).
  private leave(): void {
    const next = this.fifo.shift();
    if (next === undefined) {
      this.handedNow--;
      return;
    }
    if (next.onAbort !== undefined) next.signal?.removeEventListener('abort', next.onAbort);
    next.resolve();
  }

  /** Share of worker time spent busy since start (0..1). */
  get utilization(): number {
    this.account();
    const capacity = (performance.now() - this.started) * this.threads;
    return capacity <= 0 ? 0 : Math.min(1, this.busyMs / capacity);
  }

  /** Add the busy thread-time since the last change: tasks in flight, at most one per thread. */
  private account(): void {
    const t = performance.now();
    this.busyMs += Math.min(this.inFlight, this.threads) * (t - this.lastChange);
    this.lastChange = t;
  }

  /** Stop the workers. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.fifo.splice(0)) {
      if (w.onAbort !== undefined) w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(new WorkerError('the scan pool is closed'));
    }
    await this.piscina.destroy();
  }
}

// Piscina is loaded when the first pool is made, not when flowdigest is imported: it is a third
// of `import 'flowdigest'` (~25 ms of ~75), and a program may import the library without digesting.
let PiscinaClass: typeof Piscina | undefined;
function loadPiscina(): typeof Piscina {
  PiscinaClass ??= (createRequire(import.meta.url)('piscina') as typeof import('piscina')).Piscina;
  return PiscinaClass;
}
