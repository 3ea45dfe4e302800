/**
 * The job runner: digests windows a few at a time on one shared digester (one worker pool),
 * holds a bounded queue, and keeps the markers of the jobs it holds fresh.
 *
 * Bounds: `concurrency` jobs digest at once; `maxQueued` more wait; beyond that `submit`
 * throws a QueueFullError (503 with Retry-After). A job already held (queued or running) is
 * never run twice: submitting it again returns the same outcome.
 *
 * Markers: a held job's marker is rewritten every `progressTimeout / 3`, so it goes stale only
 * when this process stops refreshing it (it died, or shut down before the job ran). Marker
 * writes of one job are chained, so a late refresh can never land after the final clear.
 */
import type { AuditActor, Auditor, AuditReservation } from '../audit/types.js';
import type { Digester } from '../engine/digester.js';
import type { DigestRunOptions } from '../engine/options.js';
import { writeDigest } from '../digest/write.js';
import { AbortError, FlowdigestError, QueueFullError } from '../errors.js';
import type { ObjectSource } from '../sources/source.js';
import { StoppingError } from './errors.js';
import { relativeToRoots } from './flow-logs.js';
import { errorFields } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import type { DigestJob, DigestMeta, Logger, Marker, Storage } from './types.js';
import { parseRfc3339 } from './window.js';

/** How a job ended. */
export type JobOutcome =
  | { state: 'completed'; meta: DigestMeta }
  | { state: 'skipped' }
  /** `message` names objects relative to the logs root (it reaches clients). */
  | { state: 'failed'; error: Error; message: string }
  | { state: 'aborted' };

/**
 * Spool room held for a job's completion event (`digest:created` or `digest:failed`) from the
 * moment it is accepted, so the event cannot be refused later; a failure's reason is cut to fit.
 */
export const COMPLETION_EVENT_BYTES = 4096;
const MAX_REASON_CHARS = 1500;

/** Who asked for a job when its requester is not known (a job from BullMQ). */
const QUEUE_ACTOR: AuditActor = { name: 'queue', ip: '', authentication: 'none' };

export interface JobRunnerOptions {
  digester: Digester;
  sources: ObjectSource[];
  storage: Storage;
  marker: Marker;
  metrics: ServiceMetrics;
  logger: Logger;
  concurrency: number;
  maxQueued: number;
  progressTimeout: number;
  run: Pick<DigestRunOptions, 'accounts' | 'regions' | 'skipBadObjects' | 'fields' | 'key'>;
  now: () => number;
  /** Records `digest:created` and `digest:failed`. */
  auditor?: Auditor;
  /** Prefixes of the logs' location, removed from failure messages (see logRoots). */
  logRoots?: readonly string[];
}

interface Held {
  job: DigestJob;
  requestId: string;
  actor: AuditActor;
  controller: AbortController;
  done: Promise<JobOutcome>;
  settle: (o: JobOutcome) => void;
  running: boolean;
  /** Marker writes of this job, in order. */
  markerChain: Promise<void>;
  /** The audit spool room of its completion event. */
  reservation?: AuditReservation;
}

const RECENT = 8;

export class JobRunner {
  private readonly held = new Map<string, Held>();
  private readonly queue: Held[] = [];
  /** Jobs executing, until their last step (the marker clear) is done. */
  private readonly active = new Set<Held>();
  private running = 0;
  private accepting = 0;
  private stopping = false;
  private readonly recentSeconds: number[] = [];
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly o: JobRunnerOptions) {
    this.heartbeat = setInterval(() => this.refreshMarkers(), Math.max(50, Math.floor(o.progressTimeout / 3)));
    this.heartbeat.unref();
  }

  get queuedCount(): number {
    return this.queue.length;
  }
  get runningCount(): number {
    return this.running;
  }

  /** Whether a job held here took `reservation` (given to {@link submit}). */
  owns(reservation: AuditReservation): boolean {
    for (const h of this.held.values()) if (h.reservation === reservation) return true;
    return false;
  }

  /** Whether `id` is queued or running here. */
  holds(id: string): boolean {
    return this.held.has(id);
  }

  /** Seconds a client should wait before trying again: recent job length, 1-300. */
  retryAfter(): number {
    const r = this.recentSeconds;
    const mean = r.length === 0 ? 5 : r.reduce((a, b) => a + b, 0) / r.length;
    return Math.min(300, Math.max(1, Math.ceil(mean * Math.max(1, this.queue.length / this.o.concurrency))));
  }

  /**
   * Accept a job (or join the same one already held); resolves once accepted, with the job's
   * outcome to come. Throws QueueFullError when full and StoppingError once stopping. Unless
   * `marked`, the marker is written before this resolves.
   */
  async submit(
    job: DigestJob,
    requestId: string,
    options: { marked?: boolean; actor?: AuditActor; reservation?: AuditReservation } = {},
  ): Promise<{ done: Promise<JobOutcome> }> {
    const existing = this.held.get(job.id);
    if (existing !== undefined) {
      options.reservation?.release();
      return { done: existing.done };
    }
    try {
      return await this.accept(job, requestId, options);
    } catch (err) {
      options.reservation?.release();
      throw err;
    }
  }

  private async accept(
    job: DigestJob,
    requestId: string,
    options: { marked?: boolean; actor?: AuditActor; reservation?: AuditReservation },
  ): Promise<{ done: Promise<JobOutcome> }> {
    if (this.stopping) throw new StoppingError();
    // Running, waiting and being accepted all count, so concurrent submits cannot overshoot.
    if (this.running + this.queue.length + this.accepting >= this.o.concurrency + this.o.maxQueued) {
      this.o.metrics.jobsRejected.inc();
      throw new QueueFullError(
        `the digest queue is full (${this.queue.length} waiting, ${this.running} running)`,
        this.retryAfter(),
      );
    }
    // The completion event's room, held from now on: a job accepted is a job whose end is recorded.
    // (Throws FD_ERR_AUDIT_SPOOL_FULL when there is none: the job is refused, 503.)
    const reservation = options.reservation ?? this.o.auditor?.reserve?.(COMPLETION_EVENT_BYTES);
    let settle!: (o: JobOutcome) => void;
    const done = new Promise<JobOutcome>((resolve) => {
      settle = (outcome) => {
        // Skipped or aborted: no completion event; the room goes back.
        reservation?.release();
        resolve(outcome);
      };
    });
    const h: Held = {
      reservation,
      job,
      requestId,
      actor: options.actor ?? QUEUE_ACTOR,
      controller: new AbortController(),
      done,
      settle,
      running: false,
      markerChain: Promise.resolve(),
    };
    this.held.set(job.id, h);
    if (!options.marked) {
      this.accepting++;
      try {
        await this.writeMarker(h, 'in_progress');
      } catch (err) {
        this.release(h);
        reservation?.release();
        throw err;
      } finally {
        this.accepting--;
      }
    }
    if (this.stopping) {
      // Stopped while the marker was written: never started, so its marker goes stale.
      this.release(h);
      settle({ state: 'aborted' });
      return { done };
    }
    this.queue.push(h);
    this.o.logger.info('job queued', {
      request_id: requestId,
      id: job.id,
      start: job.start,
      stop: job.stop,
      queued: this.queue.length,
      running: this.running,
    });
    this.pump();
    // Wrapped: an async function returning the promise itself would wait for the job.
    return { done };
  }

  /** Stop holding `h` (no more refreshes); a newer job of the same window stays held. */
  private release(h: Held): void {
    if (this.held.get(h.job.id) === h) this.held.delete(h.job.id);
  }

  private pump(): void {
    while (!this.stopping && this.running < this.o.concurrency && this.queue.length > 0) {
      const h = this.queue.shift()!;
      h.running = true;
      this.running++;
      this.active.add(h);
      void this.execute(h).then((outcome) => {
        this.running--;
        this.active.delete(h);
        this.release(h);
        h.settle(outcome);
        this.pump();
      });
    }
  }

  private writeMarker(h: Held, state: 'in_progress' | 'failed', message?: string): Promise<void> {
    const record = { ...h.job, state, updatedAt: this.o.now(), ...(message === undefined ? {} : { message }) };
    const next = h.markerChain.then(() => this.o.marker.set(record));
    h.markerChain = next.catch(() => {});
    return next;
  }

  private clearMarker(h: Held): Promise<void> {
    const next = h.markerChain.then(() => this.o.marker.clear(h.job.id));
    h.markerChain = next.catch(() => {});
    return next;
  }

  private refreshMarkers(): void {
    for (const h of this.held.values()) {
      this.writeMarker(h, 'in_progress').catch((err: unknown) => {
        this.o.logger.warn('marker refresh failed', { id: h.job.id, ...errorFields(err) });
      });
    }
  }

  private async execute(h: Held): Promise<JobOutcome> {
    const { job } = h;
    const log = { request_id: h.requestId, id: job.id, start: job.start, stop: job.stop };
    const signal = h.controller.signal;
    const began = performance.now();
    let storing = false;
    try {
      if (await this.o.storage.has(job.id)) {
        // Made meanwhile (another instance, or a redelivered job): nothing to do.
        await this.finish(h);
        this.o.metrics.jobs.inc({ result: 'skipped' });
        this.o.logger.info('job skipped: already stored', log);
        return { state: 'skipped' };
      }
      this.o.logger.info('job started', log);
      const digest = await this.o.digester.digest(this.o.sources, {
        ...this.o.run,
        signal,
        start: new Date(parseRfc3339(job.start)!),
        end: new Date(parseRfc3339(job.stop)!),
      });
      const seconds = (performance.now() - began) / 1000;
      const meta: DigestMeta = {
        ...job,
        createdAt: new Date(this.o.now()).toISOString(),
        seconds,
        rows: digest.size,
        stats: digest.stats,
      };
      storing = true;
      await this.o.storage.put(meta, (kind, out) => writeDigest(digest, out, kind), signal);
      storing = false;
      await this.finish(h);
      this.record(meta, (performance.now() - began) / 1000);
      this.o.logger.info('job completed', {
        ...log,
        seconds: round(seconds),
        rows: digest.size,
        objects: digest.stats.objects,
        records: digest.stats.records,
      });
      await this.audit(h, 'created', 'success', {
        rows: digest.size,
        seconds: round(seconds),
        objects: digest.stats.objects,
      });
      return { state: 'completed', meta };
    } catch (err) {
      // No more refreshes: an aborted job's marker must go stale, a failed one says failed.
      this.release(h);
      // A store that failed part-way (ENOSPC on the second body) leaves no file behind.
      if (storing) await this.removePartial(job.id, log);
      if (signal.aborted || err instanceof AbortError) {
        // Shut down mid-job: leave the marker to go stale, so the window can be asked for again.
        this.o.metrics.jobs.inc({ result: 'aborted' });
        this.o.logger.warn('job aborted: its marker will expire', log);
        return { state: 'aborted' };
      }
      const error = err instanceof Error ? err : new Error(String(err));
      this.o.metrics.jobs.inc({ result: 'failed' });
      this.o.logger.error('job failed', { ...log, ...errorFields(err, { stack: true }) });
      const message = relativeToRoots(
        err instanceof FlowdigestError ? `${err.message} [${err.code}]` : error.message,
        this.o.logRoots ?? [],
      );
      await this.writeMarker(h, 'failed', message).catch(async (e: unknown) => {
        // Without its failed marker, the stale in_progress one would answer 204/409 until it
        // expires: it goes instead (a delete works on a full disk), and the window can be asked
        // for again at once.
        this.o.logger.warn('marker write failed; clearing the marker', { ...log, ...errorFields(e) });
        await this.clearMarkerUntilGone(h, log);
      });
      await this.audit(h, 'failed', 'failure', {
        reason: message.length > MAX_REASON_CHARS ? `${message.slice(0, MAX_REASON_CHARS)}…` : message,
      });
      return { state: 'failed', error, message };
    }
  }

  /** Record the job's outcome; the digest is stored (or failed) already, so a failure is only logged. */
  private async audit(
    h: Held,
    action: 'created' | 'failed',
    status: 'success' | 'failure',
    payload: Record<string, unknown>,
  ): Promise<void> {
    if (this.o.auditor === undefined) return;
    try {
      await (h.reservation ?? this.o.auditor).record({
        type: 'digest',
        action,
        actor: h.actor,
        status,
        payload: { id: h.job.id, start: h.job.start, stop: h.job.stop, ...payload },
      });
    } catch (err) {
      this.o.logger.error('audit record failed', {
        request_id: h.requestId,
        id: h.job.id,
        action,
        ...errorFields(err),
      });
    }
  }

  /** Remove what a failed `put` of `id` left, unless the digest is stored after all. */
  private async removePartial(id: string, log: Record<string, unknown>): Promise<void> {
    try {
      if (!(await this.o.storage.has(id))) await this.o.storage.delete?.(id);
    } catch (e) {
      this.o.logger.warn('removing a partly stored digest failed', { ...log, ...errorFields(e) });
    }
  }

  /** Clear `h`'s marker; on failure retried in the background (every second, a minute at most). */
  private async clearMarkerUntilGone(h: Held, log: Record<string, unknown>): Promise<void> {
    try {
      await this.clearMarker(h);
      return;
    } catch (e) {
      this.o.logger.error('marker clear failed; retrying', { ...log, ...errorFields(e) });
    }
    void (async () => {
      for (let attempt = 2; attempt <= 60; attempt++) {
        await new Promise((r) => setTimeout(r, 1000).unref());
        // A new job of the window owns the marker now; or it expires by itself.
        if (this.held.has(h.job.id) || this.stopping) return;
        try {
          await this.clearMarker(h);
          return;
        } catch {
          /* said once above */
        }
      }
    })();
  }

  /** Stop refreshing, then clear the marker (after any refresh in flight). */
  private async finish(h: Held): Promise<void> {
    this.release(h);
    await this.clearMarker(h);
  }

  private record(meta: DigestMeta, totalSeconds: number): void {
    const m = this.o.metrics,
      s = meta.stats;
    m.jobs.inc({ result: 'completed' });
    m.digestSeconds.observe(totalSeconds);
    m.objects.inc(s.objects);
    m.storedBytes.inc(s.storedBytes);
    m.bytes.inc(s.bytesRead);
    for (const outcome of ['digested', 'nodata', 'skipdata', 'malformed', 'filtered'] as const)
      m.records.inc({ outcome }, s[outcome]);
    this.recentSeconds.push(totalSeconds);
    if (this.recentSeconds.length > RECENT) this.recentSeconds.shift();
  }

  /**
   * Stop: refuse new jobs, release queued ones (their markers are cleared, so the window can
   * be asked for again at once, here after a restart or by another process), let running ones
   * finish within `graceMs`, then abort them (their markers expire).
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.queue.splice(0).map(async (h) => {
        this.release(h);
        await this.clearMarker(h).catch((err: unknown) =>
          this.o.logger.warn('marker clear failed', { id: h.job.id, ...errorFields(err) }),
        );
        this.o.metrics.jobs.inc({ result: 'released' });
        this.o.logger.info('job released: queued at shutdown, its marker cleared', {
          request_id: h.requestId,
          id: h.job.id,
          start: h.job.start,
          stop: h.job.stop,
        });
        h.settle({ state: 'aborted' });
      }),
    );
    const running = [...this.active];
    if (running.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all(running.map((h) => h.done)), graceOver]);
      clearTimeout(timer);
      for (const h of running) h.controller.abort(new Error('shutdown grace period over'));
      await Promise.all(running.map((h) => h.done));
    }
    clearInterval(this.heartbeat);
  }
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}
