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
}
