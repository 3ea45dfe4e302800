/** Marker records as stored: JSON, checked on the way in (a marker file is external input too). */
import { ID_PATTERN } from '../ids.js';
import type { MarkerRecord } from './types.js';

export function encodeMarker(record: MarkerRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Parse a stored marker. A body that is not a valid record (hand-edited, or an old Go marker
 * holding only a timestamp) reads as a marker updated at that time, or at `fallbackMs`.
 */
export function decodeMarker(id: string, text: string, fallbackMs: number): MarkerRecord {
  let v: Partial<MarkerRecord> = {};
  try {
    v = JSON.parse(text) as Partial<MarkerRecord>;
  } catch {
    /* not JSON: see below */
  }
  if (
    v !== null &&
    typeof v === 'object' &&
    v.id === id &&
    ID_PATTERN.test(v.id) &&
    typeof v.start === 'string' &&
    typeof v.stop === 'string' &&
    (v.state === 'in_progress' || v.state === 'failed') &&
    Number.isFinite(v.updatedAt)
  ) {
    return {
      id,
      start: v.start,
      stop: v.stop,
      state: v.state,
      updatedAt: v.updatedAt!,
      ...(typeof v.message === 'string' ? { message: v.message } : {}),
    };
  }
  const stamp = Date.parse(text.trim());
  return { id, start: '', stop: '', state: 'in_progress', updatedAt: Number.isNaN(stamp) ? fallbackMs : stamp };
}
