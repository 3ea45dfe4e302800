/**
 * One delivery loop per sink. It reads batches from the spool at the sink's own position, sends
 * them, and moves the position on only after the sink succeeded. A failure is logged, counted
 * and retried from the spool with exponential backoff and jitter: never dropped, never silent.
 */
import type { AuditMetrics } from './metrics.js';
import type { AuditLogger } from './logger.js';
import type { Spool } from './spool.js';
import type { AuditSink } from './types.js';

/** How a runner batches and retries. */
export interface SinkRunnerOptions {
  batchSize: number;
  flushMs: number;
  maxDeliveryMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export class SinkRunner {
  readonly name: string;
  private readonly sink: AuditSink;
  private readonly spool: Spool;
  private readonly options: SinkRunnerOptions;
  private readonly metrics: AuditMetrics;
  private readonly logger: AuditLogger;
  private readonly stopController = new AbortController();
  private waker: { resolve: () => void; onAppend: boolean } | undefined;
  private stopping = false;
  private deadline = Infinity;
  /** Send partial batches at once until the position reaches this. */
  private flushTo = 0;
  private failures = 0;
  /** The wait the last failure asked for (a receiver's Retry-After). */
  private retryAfterMs = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];
  private done: Promise<void> = Promise.resolve();
  /** Set when close gave up waiting on a send that ignores its signal: its result is discarded. */
  private abandoned = false;

  constructor(sink: AuditSink, spool: Spool, options: SinkRunnerOptions, metrics: AuditMetrics, logger: AuditLogger) {
    this.name = sink.name;
    this.sink = sink;
    this.spool = spool;
    this.options = options;
    this.metrics = metrics;
    this.logger = logger;
  }

  start(): void {
    this.done = this.loop().catch((err: unknown) => {
      // Only a bug lands here (send errors are caught in the loop); say so loudly.
      this.logger.error({ sink: this.name, err: (err as Error).stack ?? String(err) }, 'audit delivery loop stopped');
    });
  }

  /** New events were spooled. */
  notify(): void {
    if (this.waker?.onAppend) this.wake();
  }

  /** Resolve once everything before `seq` is delivered (sending partial batches at once). */
  delivered(seq: number): Promise<void> {
    if (this.spool.position(this.name) >= seq) return Promise.resolve();
    this.flushTo = Math.max(this.flushTo, seq);
    this.wake();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /**
   * Deliver what remains until `deadline` (ms since the epoch), then abort the send in flight.
   * Resolves when the loop has stopped, or `settleMs` after the deadline for a sink that ignores
   * its abort signal.
   */
  async stop(deadline: number, settleMs = 1000): Promise<void> {
    this.stopping = true;
    this.deadline = deadline;
    this.wake();
    const wait = Math.max(0, deadline - Date.now());
    const abortTimer = setTimeout(() => this.stopController.abort(new Error('audit close: grace period over')), wait);
    let giveUp: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((resolve) => {
      giveUp = setTimeout(() => resolve(true), wait + settleMs);
    });
    try {
      if (await Promise.race([this.done.then(() => false), gaveUp])) {
        this.abandoned = true;
        this.logger.error(
          { sink: this.name },
          'audit sink ignored its abort signal at close; its batch stays in the spool',
        );
      }
    } finally {
      clearTimeout(abortTimer);
      clearTimeout(giveUp);
    }
  }

  private wake(): void {
    const w = this.waker;
    this.waker = undefined;
    w?.resolve();
  }

  /** Sleep `ms`, or until woken (by stop or a flush request; by an append too when `onAppend`). */
  private sleep(ms: number, onAppend: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => this.wake(), ms) : undefined;
      this.waker = {
        onAppend,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }

  private async loop(): Promise<void> {
    const { batchSize, flushMs } = this.options;
    for (;;) {
      const pos = this.spool.position(this.name);
      const end = this.spool.end;
      if (this.stopping && (pos >= end || Date.now() >= this.deadline)) return;
      if (pos >= end) {
        await this.sleep(Infinity, true);
        continue;
      }
      if (!this.stopping && pos >= this.flushTo && end - pos < batchSize) {
        const age = Date.now() - (this.spool.recordedAt(pos) ?? Date.now());
        if (age < flushMs) {
          await this.sleep(flushMs - age, true);
          continue;
        }
      }
      const ok = await this.sendBatch(pos);
      if (this.abandoned) return;
      if (!ok) {
        if (this.stopping && Date.now() >= this.deadline) return;
        const { retryBaseMs, retryMaxMs } = this.options;
        const backoff =
          Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(this.failures - 1, 30)) * (0.5 + Math.random() / 2);
        // A sink's Retry-After (AuditSinkError.retryAfterMs) is a floor.
        const delay = Math.max(backoff, this.retryAfterMs);
        await this.sleep(this.stopping ? Math.min(delay, this.deadline - Date.now()) : delay, false);
      }
    }
  }

  /** Send one batch from `pos`; true when the sink took it. */
  private async sendBatch(pos: number): Promise<boolean> {
    this.retryAfterMs = 0;
    const { events, recordedAt } = this.spool.read(pos, this.options.batchSize);
    const timeout = AbortSignal.timeout(this.options.maxDeliveryMs);
    const signal = AbortSignal.any([this.stopController.signal, timeout]);
    let deadLettered = 0;
    try {
      const result = await this.sink.send(events, signal);
      deadLettered = Math.min(events.length, Math.max(0, Math.trunc(result?.deadLettered ?? 0)));
    } catch (err) {
      if (this.abandoned) return false;
      this.failures++;
      const hinted = (err as { retryAfterMs?: unknown })?.retryAfterMs;
      if (typeof hinted === 'number' && Number.isFinite(hinted)) this.retryAfterMs = Math.min(hinted, 3_600_000);
      this.metrics.events.inc({ sink: this.name, outcome: 'failed' }, events.length);
      const reason = timeout.aborted
        ? `no answer within maxDeliveryMs (${this.options.maxDeliveryMs} ms)`
        : ((err as Error)?.message ?? String(err));
      this.logger.error(
        {
          sink: this.name,
          events: events.length,
          attempt: this.failures,
          code: (err as { code?: unknown })?.code,
          err: reason,
        },
        `audit sink ${this.name} failed; the batch stays in the spool and is retried`,
      );
      return false;
    }
    if (this.abandoned) return false;
    if (this.failures > 0)
      this.logger.info({ sink: this.name, attempts: this.failures + 1 }, `audit sink ${this.name} delivers again`);
    this.failures = 0;
    this.spool.advance(this.name, pos + events.length);
    const now = Date.now();
    this.metrics.events.inc({ sink: this.name, outcome: 'delivered' }, events.length - deadLettered);
    if (deadLettered > 0) this.metrics.events.inc({ sink: this.name, outcome: 'dead_lettered' }, deadLettered);
    for (const at of recordedAt) this.metrics.latency.observe({ sink: this.name }, Math.max(0, now - at) / 1000);
    const position = this.spool.position(this.name);
    const waiting = [];
    for (const w of this.waiters) {
      if (w.seq <= position) w.resolve();
      else waiting.push(w);
    }
    this.waiters = waiting;
    return true;
  }
}
