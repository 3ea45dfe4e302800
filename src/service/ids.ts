/**
 * Canonical digest IDs: a UUIDv5 over the window's minute-aligned UTC instants, so the same
 * window written with another offset (`17:20+01:00` for `16:20Z`) is the same digest.
 */
import { createHash } from 'node:crypto';
import { formatInstant, parseRfc3339 } from '../util/time.js';

const MINUTE = 60_000;

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
