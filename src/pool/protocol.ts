/**
 * The messages between the main thread and the scan workers, typed in one place.
 * Errors travel as {@link ErrorData}: Node 20 drops an Error subclass's class and code in transit.
 */
import type { ErrorData } from '../errors.js';
import type { ScanCounters } from '../format/counters.js';

/** One unit of work: a whole object (or a block of a stream) to decompress, scan and aggregate. */
export interface ScanTask {
  /** Object key or file path, for errors and samples. */
  key: string;
  /** The stored bytes (gzip detected by magic bytes). Transferred, not copied. */
  data: ArrayBuffer;
  strict: boolean;
  maxSamples: number;
  windowStart?: number;
  windowEnd?: number;
  /** Record-level selections (set only when the key path did not already decide them). */
  accounts?: string[];
  regions?: string[];
  /**
   * Inflate on the worker's own thread (one reused buffer) rather than through zlib's stream on
   * libuv's pool. Set by the pool: on-thread wins when workers fill the cores, the stream when
   * cores are left idle for the inflate threads to use.
   */
  inflateOnThread?: boolean;
  /** For blocks of a stream after the first: the field order in force and the last line number. */
  fields?: string[];
  firstLine?: number;
}

/** What a successful task sends back, after the packed table, as JSON in the buffer's trailer. */
export interface ScanTrailer {
  counters: ScanCounters;
  /** Decompressed bytes produced. */
  inflatedBytes: number;
}

/** A task's reply: a packed table (transferred), or an error as data. */
export type ScanReply = ArrayBuffer | { error: ErrorData };
