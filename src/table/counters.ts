import { KERNEL_COUNTER, KERNEL_FLAG_COUNTERS, KERNEL_SUM_COUNTERS } from './contract.js';

/** What a scan saw, counted by reason. Summed across objects and threads by the engine. */
export interface ScanCounters {
  /** Non-blank lines, headers included. */
  lines: number;
  /** Header lines (field-name lines at the top of an object). */
  headers: number;
  /** Empty lines (ignored). */
  blank: number;
  /** Non-blank, non-header lines. */
  records: number;
  /** Records with log-status OK that passed the filters and went into the digest. */
  digested: number;
  /** Records with log-status NODATA (no traffic in the interval). */
  nodata: number;
  /** Records with log-status SKIPDATA (AWS dropped records in the interval). */
  skipdata: number;
  /** Records skipped as malformed. */
  malformed: number;
  /** Records outside the window or the account/region selection. */
  filtered: number;
  /** Uncompressed bytes of the non-blank lines, newlines included. */
  bytesRead: number;
  /** Whether any digested record carried a packets (resp. bytes) value, so output can print `-` otherwise. */
  packetsSeen: boolean;
  bytesSeen: boolean;
  /** The first few malformed records, with where and why. */
  samples: MalformedSample[];
}

/** One malformed record: where it was and why it was rejected. */
export interface MalformedSample {
  key: string;
  line: number;
  reason: string;
}

export function newCounters(): ScanCounters {
  return {
    lines: 0,
    headers: 0,
    blank: 0,
    records: 0,
    digested: 0,
    nodata: 0,
    skipdata: 0,
    malformed: 0,
    filtered: 0,
    bytesRead: 0,
    packetsSeen: false,
    bytesSeen: false,
    samples: [],
  };
}

const SUMMED = [
  'lines',
  'headers',
  'blank',
  'records',
  'digested',
  'nodata',
  'skipdata',
  'malformed',
  'filtered',
  'bytesRead',
] as const;

/** Add `b` into `a`. Samples keep a deterministic first `maxSamples` (ordered by key, line). */
export function addCounters(a: ScanCounters, b: ScanCounters, maxSamples: number): void {
  for (const k of SUMMED) a[k] += b[k];
  a.packetsSeen ||= b.packetsSeen;
  a.bytesSeen ||= b.bytesSeen;
  if (b.samples.length > 0) {
    a.samples = [...a.samples, ...b.samples]
      .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.line - y.line))
      .slice(0, maxSamples);
  }
}

/**
 * Add the WebAssembly kernel's counter slots into `c`. Each slot is named for the field it adds
 * to (the kernel contract), so a slot the contract adds or renames without a field here fails to
 * typecheck.
 */
export function addKernelCounters(c: ScanCounters, k: ArrayLike<number>): void {
  for (const name of KERNEL_SUM_COUNTERS) c[name] += k[KERNEL_COUNTER[name]];
  for (const name of KERNEL_FLAG_COUNTERS) c[name] ||= k[KERNEL_COUNTER[name]] > 0;
}
