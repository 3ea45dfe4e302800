/** What a stored digest is, and the Storage interface (built in: ./fs.ts, ./s3.ts). */
import type { Readable, Writable } from 'node:stream';
import type { DigestStats } from '../../digest/digest.js';
import type { DigestJob } from '../queue/types.js';

/** The stored bodies of a digest. */
export type StoredKind = 'text' | 'ndjson';

/** What is stored next to a digest's bodies. */
export interface DigestMeta extends DigestJob {
  /** When the digest was stored (RFC 3339). */
  createdAt: string;
  /** Seconds the digest took. */
  seconds: number;
  /** Rows of the digest. */
  rows: number;
  /** Statistics of the run: objects, records, NODATA, SKIPDATA, malformed (with samples), ... */
  stats: DigestStats;
}

/** A stored body, opened for reading. */
export interface StoredBody {
  body: Readable;
  /** Byte length of `body`, when known (sent as Content-Length). */
  size?: number;
  /** How `body` is encoded. The built-in stores keep gzip. */
  encoding: 'gzip' | 'identity';
}

/**
 * Where digests are kept. A digest is visible (`has`, `open`) only once `put` has resolved:
 * implementations write every body completely before committing (the built-in ones commit by
 * a rename, or by uploading the text body last).
 */
export interface Storage {
  /** A description for logs (`/var/lib/flowdigest`, `s3://bucket/prefix/`); never holds secrets. */
  readonly description: string;
  /** Whether the digest is stored. */
  has(id: string): Promise<boolean>;
  /**
   * Store a digest: call `write(kind, out)` for `ndjson`, then `text` (each writes the body into
   * `out` and does not end it), then commit. Rejecting must leave nothing visible under `meta.id`.
   */
  put(meta: DigestMeta, write: (kind: StoredKind, out: Writable) => Promise<void>, signal?: AbortSignal): Promise<void>;
  /** Open a stored body; undefined when the digest is not stored. */
  open(id: string, kind: StoredKind): Promise<StoredBody | undefined>;
  /** The stored metadata; undefined when the digest is not stored. */
  meta(id: string): Promise<DigestMeta | undefined>;
  /** Optional, for retention: the metadata of every stored digest. */
  list?(): AsyncIterable<DigestMeta>;
  /** Optional, for retention: delete a digest, its commit (the text body) first, so a reader never sees part of one. */
  delete?(id: string): Promise<void>;
  /** Optional: remove what interrupted writes left (temporary files); resolves with the count. Called at start-up. */
  cleanup?(): Promise<number>;
}
