/**
 * What `digest` says when nothing was digested: where it looked (for S3, every key range listed)
 * and what it passed over, so an empty result can be told from a wrong window or prefix.
 */
import type { Digest } from '../digest/digest.js';
import type { DigestRunOptions } from '../engine/options.js';
import { S3Source } from '../sources/s3/source.js';
import type { ObjectSource } from '../sources/source.js';
import { count } from './format.js';

const MAX_LISTINGS = 12;

export function noObjectsMessage(sources: readonly ObjectSource[], digest: Digest, run: DigestRunOptions): string {
  const lines = ['flowdigest: no objects matched; nothing was digested.'];
  if (run.start !== undefined || run.end !== undefined) {
    lines.push(`  window: records ending in [${run.start?.toISOString() ?? '-∞'}, ${run.end?.toISOString() ?? '+∞'})`);
  }
  for (const source of sources) {
    if (!(source instanceof S3Source)) {
      lines.push(`  looked in ${source.description}`);
      continue;
    }
    const s = source.listStats;
    const how = s.planned
      ? `planned listing, ${count(s.folders)} account/region folder${s.folders === 1 ? '' : 's'} found`
      : 'whole prefix listed';
    lines.push(
      `  ${source.description}: ${how}; ${count(s.listRequests)} List request${s.listRequests === 1 ? '' : 's'} returned ${count(s.objectsListed)} key${s.objectsListed === 1 ? '' : 's'}`,
    );
    if (s.planned && s.folders === 0)
      lines.push(`    no AWSLogs/ folders for the selected accounts and regions under ${source.description}`);
    for (const listing of s.listings.slice(0, MAX_LISTINGS)) lines.push(`    listed ${listing}`);
    if (s.listings.length > MAX_LISTINGS)
      lines.push(`    ... and ${count(s.listings.length - MAX_LISTINGS)} more key ranges`);
  }
  const skipped = Object.entries(digest.stats.listingSkipped);
  lines.push(
    skipped.length === 0
      ? '  no objects were passed over while listing'
      : `  passed over while listing: ${skipped.map(([why, n]) => `${why} ${count(n)}`).join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Why a run digested nothing, in one line, or null when it digested something. The CLI exits 1
 * with it unless --allow-empty: an empty digest is more often a wrong path, window or format than
 * a quiet hour.
 */
export function emptyRunReason(digest: Digest): string | null {
  const s = digest.stats;
  if (s.digested > 0) return null;
  const skipped = Object.entries(s.listingSkipped);
  const passed = skipped.map(([why, n]) => `${why} ${count(n)}`).join(', ');
  if (s.objects === 0 && skipped.length > 0) return `nothing digested: every object was passed over (${passed})`;
  if (s.objects === 0 && s.skippedObjects.length > 0)
    return `nothing digested: every object was skipped as unreadable (first: ${s.skippedObjects[0].reason})`;
  if (s.objects === 0) return 'nothing digested: no object matched the selection';
  if (s.records > 0 && s.malformed === s.records) {
    const first = s.samples[0];
    return `nothing digested: every record (${count(s.records)}) was malformed${first ? ` (first: ${first.key}:${first.line}: ${first.reason})` : ''}`;
  }
  if (s.filtered > 0 && s.filtered + s.malformed === s.records)
    return `nothing digested: the selection kept no record (${count(s.filtered)} filtered out by the window, account or region)`;
  if (s.records === 0) return 'nothing digested: the objects hold no records';
  return `nothing digested: no record with log-status OK (NODATA ${count(s.nodata)}, SKIPDATA ${count(s.skipdata)})`;
}
