/**
 * Digest windows: two RFC 3339 instants, each truncated to the minute FIRST and only then
 * validated, so a request that passes here can never fail the same checks in the worker (the Go
 * service validated before truncating, so `start=16:20:30&stop=16:20:50` was queued, then
 * rejected by its worker forever).
 */
import { FlowdigestError } from '../errors.js';
import { formatDuration } from '../util/duration.js';
import { formatInstant, parseRfc3339 as parseTimeMs } from '../util/time.js';
import { digestId } from './ids.js';

/** A validated window: minute-aligned UTC instants, `start < stop`. */
export interface DigestWindow {
  /** The canonical ID: UUIDv5 over {@link DigestWindow.start} and {@link DigestWindow.stop}. */
  id: string;
  /** `YYYY-MM-DDTHH:MM:00Z`. */
  start: string;
  /** `YYYY-MM-DDTHH:MM:00Z`. */
  stop: string;
  startMs: number;
  stopMs: number;
}

/** A bad window, naming the parameter at fault (`start`, `stop`, ...). */
export class WindowError extends FlowdigestError {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super('FD_ERR_WINDOW', `${parameter} ${message}`, { field: parameter });
  }
}

/** Rules of {@link parseWindow}. */
export interface WindowRules {
  /** Longest window in ms. */
  maxWindowMs: number;
  /** Reject windows that start after this instant (ms); omit to skip the check. */
  notAfter?: number;
}

const MINUTE = 60_000;

/**
 * Parse an RFC 3339 date-time to epoch ms; checks every field (no Feb 30, no hour 24) and keeps
 * years 0000-0099 as such. The shared parser of src/util/time.ts, so the CLI accepts the same.
 */
export function parseRfc3339(value: string): number | undefined {
  return parseTimeMs(value);
}

/**
 * Parse, truncate to the minute, then validate a window.
 * @throws WindowError naming the parameter (`start` or `stop`) and what is wrong.
 */
export function parseWindow(
  start: string | undefined,
  stop: string | undefined,
  rules: WindowRules,
  names = { start: 'start', stop: 'stop' },
): DigestWindow {
  const instant = (name: string, value: string | undefined): number => {
    if (value === undefined || value === '')
      throw new WindowError(name, 'is required (an RFC 3339 time such as 2026-01-15T16:20:00Z)');
    const ms = parseRfc3339(value);
    if (ms === undefined)
      throw new WindowError(name, `'${clip(value)}' is not an RFC 3339 time (e.g. 2026-01-15T16:20:00Z)`);
    return Math.floor(ms / MINUTE) * MINUTE;
  };
  const startMs = instant(names.start, start);
  const stopMs = instant(names.stop, stop);
  if (stopMs <= startMs) {
    throw new WindowError(
      names.stop,
      `must be at least a minute after ${names.start} once both are truncated to the minute (${formatInstant(startMs)} .. ${formatInstant(stopMs)})`,
    );
  }
  if (stopMs - startMs > rules.maxWindowMs) {
    throw new WindowError(
      names.stop,
      `is more than ${formatDuration(rules.maxWindowMs)} after ${names.start} (the longest window this service digests)`,
    );
  }
  if (rules.notAfter !== undefined && startMs > rules.notAfter) {
    throw new WindowError(names.start, `${formatInstant(startMs)} is in the future: the window holds no flow logs yet`);
  }
  return windowOf(startMs, stopMs);
}

/** The window of two minute-aligned instants, with its ID. */
export function windowOf(startMs: number, stopMs: number): DigestWindow {
  const s = formatInstant(startMs),
    e = formatInstant(stopMs);
  return { id: digestId(s, e), start: s, stop: e, startMs, stopMs };
}

function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 61)}...` : value;
}
