/** A snapshot of a digest run, for progress displays. */
export interface Progress {
  /** Objects found so far, and whether listing has finished (totals are final then). */
  objectsListed: number;
  storedBytesListed: number;
  listingDone: boolean;
  /** Objects finished (digested or skipped) and their stored bytes. */
  objectsDone: number;
  storedBytesDone: number;
  /** Lines scanned so far. */
  lines: number;
  /** Seconds since the run started. */
  elapsed: number;
  /**
   * What the run does now: `scanning` objects, then `sorting` the workers' tables and `merging`
   * them range by range (at high cardinality these take seconds after the last object).
   */
  stage: 'scanning' | 'sorting' | 'merging';
}

/** A run's progress, zeroed, and `report()`, which stamps the elapsed time and hands a copy to `onProgress`. */
export function progressTracker(onProgress?: (p: Progress) => void): { progress: Progress; report: () => void } {
  const began = performance.now();
  const progress: Progress = {
    objectsListed: 0,
    storedBytesListed: 0,
    listingDone: false,
    objectsDone: 0,
    storedBytesDone: 0,
    lines: 0,
    elapsed: 0,
    stage: 'scanning',
  };
  const report = () => {
    progress.elapsed = (performance.now() - began) / 1000;
    onProgress?.({ ...progress });
  };
  return { progress, report };
}
