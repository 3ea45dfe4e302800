/** What the routes share: the modules, the runner, the rules, and per-window locks. */
import type { Digester } from '../engine/digester.js';
import { HttpError } from './http.js';
import { type DigestWindow, parseWindow, WindowError } from './ids.js';
import type { JobRunner } from './jobs.js';
import type { ServiceMetrics } from './metrics.js';
import type { Logger, Marker, MarkerRecord, Queuer, Storage } from './types.js';

export interface ServiceState {
  storage: Storage;
  marker: Marker;
  queuer: Queuer;
  runner: JobRunner;
  digester: Digester;
  metrics: ServiceMetrics;
  logger: Logger;
  progressTimeout: number;
  maxWindow: number;
  maxBodyBytes: number;
  now: () => number;
  locks: KeyedLock;
  renders: Slots;
}

/** Where a window's digest stands. */
export type WindowStatus =
  | { status: 'complete' }
  | { status: 'in_progress' }
  | { status: 'failed'; message: string }
  | { status: 'absent' };

/** Whether a marker still counts: written within the progress timeout. */
export function isFresh(state: ServiceState, record: MarkerRecord): boolean {
  return state.now() - record.updatedAt < state.progressTimeout;
}

/** Stored, held or marked (fresh), failed (fresh), or nothing. */
export async function windowStatus(state: ServiceState, id: string): Promise<WindowStatus> {
  if (await state.storage.has(id)) return { status: 'complete' };
  if (state.runner.holds(id)) return { status: 'in_progress' };
  const record = await state.marker.get(id);
  if (record === undefined || !isFresh(state, record)) return { status: 'absent' };
  if (record.state === 'failed') return { status: 'failed', message: record.message ?? 'the job failed' };
  return { status: 'in_progress' };
}

/** The window named by two query parameters, or a 400 naming the one at fault. */
export function windowFromQuery(state: ServiceState, query: Map<string, string>, names = { start: 'start', stop: 'stop' }): DigestWindow {
  try {
    return parseWindow(unplussed(query.get(names.start)), unplussed(query.get(names.stop)), { maxWindowMs: state.maxWindow, notAfter: state.now() }, names);
  } catch (err) {
    if (err instanceof WindowError) throw new HttpError(400, err.message);
    throw err;
  }
}

/**
 * An unencoded `+` in a query string reads as a space, so `…T17:00:00+01:00` arrives as
 * `…T17:00:00 01:00`. RFC 3339 has no space before an offset, so that can only mean `+`.
 */
function unplussed(value: string | undefined): string | undefined {
  return value?.replace(/(\d) (\d{2}:\d{2})$/, '$1+$2');
}

/** The JSON status of a window. */
export function statusBody(w: DigestWindow, status: string, message?: string): Record<string, string> {
  return { id: w.id, start: w.start, stop: w.stop, status, ...(message === undefined ? {} : { message }) };
}

/** One holder per key at a time (this process): serializes check-mark-queue for a window. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async with<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => { release = resolve; });
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Whether `key` is held or awaited. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
}

/** A counting limit that refuses (503) rather than waits: renders hold whole digests in memory. */
export class Slots {
  private used = 0;
  constructor(private readonly size: number, private readonly what: string) {}

  async with<T>(fn: () => Promise<T>): Promise<T> {
    if (this.used >= this.size) throw new HttpError(503, `${this.size} ${this.what} already in progress; try again shortly`, { 'retry-after': '2' });
    this.used++;
    try {
      return await fn();
    } finally {
      this.used--;
    }
  }
}
