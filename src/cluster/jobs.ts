/**
 * The BullMQ jobs of a cluster run, typed in one place. A run is two flows. First, scan jobs
 * (children of a `collect` job) each digest a slice of the objects and cut it at the run's
 * splitter keys into one partial per range. Then merge jobs (children of a `join` job), one per
 * range, each merge that range of every scan job into one partial. Job IDs derive from the run
 * ID, so a re-run of a job (after its worker died) writes the same partials again.
 */
import type { ObjectRef } from '../sources/source.js';

/** The queue every flowdigest worker consumes. */
export const QUEUE = 'flowdigest';

/** An object of a scan job, as JSON. */
export interface JobObject {
  key: string;
  size: number;
  account?: string;
  region?: string;
  timestamp?: string;
}

/** Run options every scan job applies, as JSON. */
export interface JobRunOptions {
  start?: string;
  end?: string;
  accounts?: string[];
  regions?: string[];
  /** The format of header-less objects (field names, resolved from the run's `fields`). */
  fields?: string[];
  /** The conversation key as the run gave it (`+LIST` or LIST); absent: the format's default. */
  key?: string | string[];
  strict: boolean;
  skipBadObjects: boolean;
}

export interface ScanJobData {
  run: string;
  /** The input the objects were listed from (a directory, file or s3:// URL), to read them through. */
  input: string;
  objects: JobObject[];
  options: JobRunOptions;
  /** The partial holding the run's splitter keys (absent: one range). */
  splitters?: string;
}

export interface MergeJobData {
  run: string;
  /** This range's partial of every scan job. */
  partials: string[];
  /** The worker that wrote each of them (host and pid), for messages. */
  writers?: string[];
}

/** What a scan job returns: its partial of each range, in order. */
export interface ScanResult {
  partials: string[];
  /** The worker that wrote them (host and pid). */
  writer?: string;
}

/** What a merge job returns: the key of the range's merged partial. */
export interface MergeResult {
  partial: string;
  /** The worker that wrote it (host and pid). */
  writer?: string;
}

export const scanJobId = (run: string, i: number): string => `${run}-scan-${i}`;
export const mergeJobId = (run: string, r: number): string => `${run}-merge-${r}`;
export const collectJobId = (run: string): string => `${run}-collect`;
export const joinJobId = (run: string): string => `${run}-join`;
export const partialKey = (run: string, name: string): string => `${run}/${name}.fdp`;

export function toJobObject(ref: ObjectRef): JobObject {
  const o: JobObject = { key: ref.key, size: ref.size };
  if (ref.account !== undefined) o.account = ref.account;
  if (ref.region !== undefined) o.region = ref.region;
  if (ref.timestamp !== undefined) o.timestamp = ref.timestamp.toISOString();
  return o;
}

export function fromJobObject(o: JobObject): ObjectRef {
  const ref: ObjectRef = { key: o.key, size: o.size };
  if (o.account !== undefined) ref.account = o.account;
  if (o.region !== undefined) ref.region = o.region;
  if (o.timestamp !== undefined) ref.timestamp = new Date(o.timestamp);
  return ref;
}
