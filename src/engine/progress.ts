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
