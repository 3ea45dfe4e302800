/** What the routes share: the modules, the runner, the rules, and per-window locks. */
import type { Auditor } from '../audit/types.js';
import type { Digester } from '../engine/digester.js';
import { formatDuration } from '../util/duration.js';
import { formatInstant } from '../util/time.js';
import { type DigestWindow, parseWindow, WindowError } from './window.js';
import type { JobRunner } from './jobs.js';
import type { KeyedLock, Slots } from './limits.js';
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
  auditor: Auditor | undefined;
  progressTimeout: number;
  maxWindow: number;
  maxBodyBytes: number;
  deliveryLag: number;
  /** The worker route's topic. */
  topic: string;
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
export function windowFromQuery(
  state: ServiceState,
  query: Record<string, unknown>,
  names = { start: 'start', stop: 'stop' },
): DigestWindow {
  const w = parseWindow(
    unplussed(query[names.start]),
    unplussed(query[names.stop]),
    { maxWindowMs: state.maxWindow, notAfter: state.now() },
    names,
  );
  assertClosed(state, w, names.stop);
  return w;
}

/**
 * Only closed windows are digested: a window's flow logs keep arriving until its stop plus the
 * delivery lag, so a digest made earlier would be stored as final while missing records.
 * @throws WindowError (400) naming the stop parameter and when to ask.
 */
export function assertClosed(state: ServiceState, w: DigestWindow, stopName: string): void {
  const closesAt = w.stopMs + state.deliveryLag;
  if (closesAt > state.now()) {
    throw new WindowError(
      stopName,
      `${w.stop} is not closed yet: its flow logs arrive until ${formatInstant(Math.ceil(closesAt / 60_000) * 60_000)} (stop plus the ${formatDuration(state.deliveryLag)} delivery lag); ask then`,
    );
  }
}

/**
 * An unencoded `+` in a query string reads as a space, so `…T17:00:00+01:00` arrives as
 * `…T17:00:00 01:00`. RFC 3339 has no space before an offset, so that can only mean `+`.
 */
function unplussed(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/(\d) (\d{2}:\d{2})$/, '$1+$2') : undefined;
}

/** The JSON status of a window. */
export function statusBody(w: DigestWindow, status: string, message?: string): Record<string, string> {
  return { id: w.id, start: w.start, stop: w.stop, status, ...(message === undefined ? {} : { message }) };
}
