/** Marker records and the Marker interface (built in: ./fs.ts, ./s3.ts). */
import type { DigestJob } from '../queue/types.js';

/** What a marker says: a job is in progress (until it goes stale), or it failed. */
export interface MarkerRecord extends DigestJob {
  state: 'in_progress' | 'failed';
  /** Epoch ms of the last write. A record older than the progress timeout is stale. */
  updatedAt: number;
  /** Why the job failed (state `failed`). */
  message?: string;
}

/**
 * Marks digests in progress. The service, not the marker, decides staleness from `updatedAt`,
 * so an implementation only reads, writes, deletes and lists records.
 */
export interface Marker {
  readonly description: string;
  get(id: string): Promise<MarkerRecord | undefined>;
  set(record: MarkerRecord): Promise<void>;
  /** Remove the marker; no error when there is none. */
  clear(id: string): Promise<void>;
  /** Every marker, for the sweep that removes stale ones. */
  list(): AsyncIterable<MarkerRecord>;
  /**
   * Optional, for markers shared by several service processes: write `record` only if no
   * in-progress marker updated at or after `freshSince` holds the window, atomically; true if
   * written. Without it, one process's per-window lock makes check-then-set safe.
   */
  claim?(record: MarkerRecord, freshSince: number): Promise<boolean>;
  /** Optional: remove what interrupted writes left (temporary files); resolves with the count. Called at start-up. */
  cleanup?(): Promise<number>;
}
