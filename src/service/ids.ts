/**
 * Digest windows and their canonical IDs.
 *
 * A window is two RFC 3339 instants. Each is truncated to the minute FIRST and only then
 * validated, so a request that passes here can never fail the same checks in the worker (the Go
 * service validated before truncating, so `start=16:20:30&stop=16:20:50` was queued, then
 * rejected by its worker forever). The ID is a UUIDv5 over the UTC instants, so the same window
 * written with another offset (`17:20+01:00` for `16:20Z`) is the same digest.
 */
import { createHash } from 'node:crypto';
import { formatDuration } from '../util/duration.js';
import { parseRfc3339 as parseTimeMs } from '../util/time.js';
import { FlowdigestError } from '../errors.js';

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

/** `YYYY-MM-DDTHH:MM:00Z` for a minute-aligned instant. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, ':00Z');
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

/** RFC 4122 namespace for URLs. */
const NAMESPACE_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** UUID version 5 (SHA-1, RFC 4122 §4.3) of `name` in `namespace`. */
export function uuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** flowdigest's own namespace, itself a UUIDv5 in the URL namespace. */
const NAMESPACE_DIGEST = uuidv5('urn:flowdigest:digest-window', NAMESPACE_URL);

/**
 * The canonical digest ID of a window: UUIDv5 of `START/STOP` (an ISO 8601 interval of the
 * minute-aligned UTC instants as `YYYY-MM-DDTHH:MM:00Z`). Accepts any RFC 3339 strings or
 * Dates and normalizes them first, so offsets do not matter.
 */
export function digestId(start: string | Date, stop: string | Date): string {
  const norm = (v: string | Date): string => {
    const ms = typeof v === 'string' ? parseRfc3339(v) : v.getTime();
    if (ms === undefined || Number.isNaN(ms)) throw new TypeError(`not an RFC 3339 time: ${String(v)}`);
    return formatInstant(Math.floor(ms / MINUTE) * MINUTE);
  };
  return uuidv5(`${norm(start)}/${norm(stop)}`, NAMESPACE_DIGEST);
}

/** A digest ID as this service writes them (lowercase UUID); IDs name files and keys, so nothing else is accepted. */
export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export { formatDuration };
