/** The run summary printed on stderr after a digest or merge, and the note of skipped records `dot` and `diff` print. */
import type { Digest, DigestStats } from '../digest/digest.js';
import { count, mb } from './format.js';

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
