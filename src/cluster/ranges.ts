/**
 * Range-partitioned merging. The planner digests a sample of the input and picks splitter keys
 * from it; every scan job cuts its digest at those keys into one partial per range; one merge job
 * per range merges that range of every scan job; the ranges, in order, are the digest. Splitters
 * from a sample may balance the ranges unevenly, never wrongly: every job cuts at the same keys.
 */
import { addStats, Digest, emptyStats } from '../digest/digest.js';
import { compareEntries } from '../digest/order.js';
import { RowCollector } from '../digest/collector.js';
import { concatTables } from '../digest/partial.js';
import { digestOfSorted } from '../digest/read.js';
import type { RowSink } from '../digest/runs.js';
import type { TableView } from '../table/table.js';

/** `ranges - 1` rows of `sample`, evenly spaced in canonical order, as a digest of splitter keys (fewer if it is small). */
export function chooseSplitters(sample: Digest, ranges: number): Digest {
  const n = sample.size,
    picks = new Set<number>();
  for (let j = 1; j < ranges && n > 0; j++) picks.add(Math.floor((j * n) / ranges));
  const out = new RowCollector(picks.size);
  let i = 0;
  const keep: RowSink = (t, e, nums, at, lost, l) => {
    if (picks.has(i++)) out.add(t, e, nums, at, lost, l);
  };
  for (const cursor of sample.cursors())
    while (cursor.next(keep)) {
      /* kept by the sink */
    }
  return digestOfSorted(out.view(), [0], emptyStats(), sample.key, sample.lost);
}

/** `digest` cut at the rows of `splitters` (in canonical order) into `splitters.size + 1` digests; the stats go with the first. */
export function splitDigest(digest: Digest, splitters: TableView): Digest[] {
  const parts = Array.from(
    { length: splitters.size + 1 },
    () => new RowCollector(Math.ceil(digest.size / (splitters.size + 1)) + 1),
  );
  let r = 0;
  const route: RowSink = (t, e, nums, n, lost, l) => {
    while (r < splitters.size && compareEntries(t, e, splitters, r) >= 0) r++;
    parts[r].add(t, e, nums, n, lost, l);
  };
  for (const cursor of digest.cursors())
    while (cursor.next(route)) {
      /* routed by the sink */
    }
  return parts.map((p, i) => {
    // The counts belong to one range; the others keep only what decides how rows print.
    const stats =
      i === 0
        ? digest.stats
        : { ...emptyStats(), packetsSeen: digest.stats.packetsSeen, bytesSeen: digest.stats.bytesSeen };
    return digestOfSorted(p.view(), [0], stats, digest.key, digest.lost);
  });
}

/** Digests of consecutive ranges (each one run in canonical order), in order, as one digest. */
export function concatRanges(parts: readonly Digest[]): Digest {
  const stats = emptyStats();
  for (const p of parts) addStats(stats, p.stats);
  const { table, starts } = concatTables(parts.map((p) => p.onlyRun()));
  // Ranges of one run share its key; an empty range (v2's key, from no rows) takes the others'.
  const keyed = Digest.mergeSorted(
    parts.map((p) => new Digest(undefined, emptyStats()).withKey(p.key).withLost(p.lost)),
  );
  return digestOfSorted(table, starts, stats, keyed.key, keyed.lost);
}
