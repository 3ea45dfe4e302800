/**
 * The report as JSON: one document, two-space indented, keys in a fixed order, so the same
 * input gives the same bytes. Counts beyond 2^53 - 1 are written as JSON integers with every
 * digit, as the NDJSON digest writes them (a reader that needs them exactly parses them with an
 * exact parser, such as flowdigest's own).
 */
import type { Report } from './types.js';

// A bigint becomes this marker string, then the marker (quotes included) becomes its digits. A
// data string cannot make it: JSON.stringify writes a NUL as `\u0000` after a quote only when
// the string starts with a NUL, and addresses never hold one (the digest key splits on it).
const MARK = '\u0000big:';
const MARKED = /"\\u0000big:(\d+)"/g;

/** `report` as its JSON interface (see docs/report.md), ending in a newline. */
export function reportToJson(report: Report): string {
  const text = JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v}` : v), 2);
  return `${text.replace(MARKED, '$1')}\n`;
}
