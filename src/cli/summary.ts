/** The run summary printed on stderr after a digest or merge, and the note of skipped records `dot` and `diff` print. */
import type { Digest, DigestStats } from '../digest/digest.js';
import { actionTotals } from '../digest/totals.js';
import { count, mb } from './format.js';

/** `1.2 GB (1,234,567,890 bytes)`: decimal units for reading, the exact count beside. */
function volume(bytes: bigint): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB'];
  let v = Number(bytes),
    u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  const exact = bytes.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return u === 0 ? `${exact} B` : `${v.toFixed(1)} ${units[u]} (${exact} bytes)`;
}

/**
 * `  ACCEPT 2,679 records 1.0 GB (…), REJECT 146 records 38.1 MB (…); bytes 1.0 GB (…)`: the
 * split by action and the byte total ('-' when the input had no byte counts).
 */
export function actionsLine(digest: Digest): string {
  const totals = actionTotals(digest);
  const bytesSeen = digest.stats.bytesSeen;
  const parts = [...totals].map(
    ([a, t]) => `${a} ${count(t.records)} records${bytesSeen ? ` ${volume(t.bytes)}` : ''}`,
  );
  let all = 0n;
  for (const t of totals.values()) all += t.bytes;
  return `  ${parts.length === 0 ? 'no rows' : parts.join(', ')}; bytes ${bytesSeen ? volume(all) : '-'}`;
}

/** `, N malformed records skipped (first: FILE:LINE: why)`, or '' when none were. */
export function skippedNote(s: Pick<DigestStats, 'malformed' | 'samples'>): string {
  if (s.malformed === 0) return '';
  const first = s.samples[0];
  return `, ${count(s.malformed)} malformed records skipped${first ? ` (first: ${first.key}:${first.line}: ${first.reason})` : ''}`;
}

export function summary(label: string, digest: Digest, seconds: number): string {
  const s = digest.stats;
  const lines: string[] = [];
  const speed = seconds > 0 ? `${(s.bytesRead / 1e6 / seconds).toFixed(1)} MB/s` : '-';
  lines.push(
    `${label}: ${count(s.objects)} objects (${mb(s.storedBytes)} stored, ${mb(s.bytesRead)} of lines, ${count(s.headers)} header lines) in ${seconds.toFixed(2)} s, ${speed}`,
  );
  lines.push(
    `  records ${count(s.records)}: digested ${count(s.digested)}, NODATA ${count(s.nodata)}, SKIPDATA ${count(s.skipdata)}, ` +
      `malformed ${count(s.malformed)}, filtered ${count(s.filtered)}`,
  );
  lines.push(
    `  rows ${count(digest.size)}${s.records > 0 && digest.size > 0 ? ` (${(s.records / digest.size).toFixed(1)} records per row)` : ''}`,
  );
  lines.push(actionsLine(digest));
  if (s.records > 0 && s.malformed === s.records) {
    lines.push(
      `  every record (${count(s.records)}) was malformed: is this a flow log, in the format its header (or the default v2 order) says? (--strict fails on the first)`,
    );
  }
  if (s.digested === 0 && s.filtered > 0)
    lines.push(`  the window or selection kept no record: all ${count(s.filtered)} selectable records fell outside it`);
  const skipped = Object.entries(s.listingSkipped);
  if (skipped.length > 0)
    lines.push(`  passed over while listing: ${skipped.map(([why, n]) => `${why} ${count(n)}`).join(', ')}`);
  for (const m of s.samples.slice(0, 5)) lines.push(`  malformed ${m.key}:${m.line}: ${m.reason}`);
  if (s.malformed > 5)
    lines.push(`  ... ${count(s.malformed - Math.min(5, s.samples.length))} more malformed (see -f ndjson stats)`);
  for (const o of s.skippedObjects) lines.push(`  skipped object ${o.reason}`);
  return `${lines.join('\n')}\n`;
}
