/**
 * Object names: deterministic, and unique per stream, window and sequence number, so two pages
 * never share a name (hatchery's S3 destination overwrote them) and re-running a window
 * replaces its own objects instead of adding copies.
 *
 *   {streamId}/{yyyy}/{mm}/{dd}/{HH}/{windowStart}_{windowEnd}_{seq}[_{label}].{extension}
 *
 * The date folders come from the window's start (UTC); times are RFC 3339 basic format
 * (`20260115T162000Z`, with `.123` when the milliseconds are not zero); `seq` has six digits
 * at least. Destinations put their own prefix in front.
 */
import { InvalidStreamError } from '../errors.js';
import type { Window } from './types.js';

/** IDs, tags and labels: safe in object keys, file names and shell arguments. */
export const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `20260115T162000Z`, or `20260115T162000.250Z` with milliseconds. */
export function compactTime(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}Z`;
}

/** The name of one object of a stream. */
export function objectName(streamId: string, window: Window, seq: number, extension: string, label?: string): string {
  if (!NAME_PART.test(streamId))
    throw new InvalidStreamError(`stream ID '${streamId}' is not a valid name part`, { key: streamId });
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw new InvalidStreamError(`stream ${streamId}: seq ${seq} must be a non-negative integer`, {
      key: streamId,
      field: 'seq',
    });
  if (label !== undefined && !NAME_PART.test(label)) {
    throw new InvalidStreamError(`stream ${streamId}: label '${label}' must be 1-64 characters of A-Z a-z 0-9 . _ -`, {
      key: streamId,
      field: 'label',
    });
  }
  if (!/^[a-z0-9]+(\.[a-z0-9]+)*$/.test(extension)) {
    throw new InvalidStreamError(
      `stream ${streamId}: extension '${extension}' must be lowercase letters and digits separated by dots`,
      { key: streamId, field: 'extension' },
    );
  }
  const s = window.start;
  const folder = `${s.getUTCFullYear()}/${pad(s.getUTCMonth() + 1)}/${pad(s.getUTCDate())}/${pad(s.getUTCHours())}`;
  return `${streamId}/${folder}/${compactTime(window.start)}_${compactTime(window.end)}_${pad(seq, 6)}${label ? `_${label}` : ''}.${extension}`;
}

/** The common start of every object name of `window` in its own date folder (for finding stale pages). */
export function windowPrefix(streamId: string, window: Window): string {
  const name = objectName(streamId, window, 0, 'x');
  return name.slice(0, name.length - '000000.x'.length);
}

/** The checkpoint object of a stream, beside its objects. */
export function checkpointName(streamId: string): string {
  return `${streamId}/_checkpoint.json`;
}
