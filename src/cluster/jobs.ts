/**
 * The BullMQ jobs of a cluster run, typed in one place. A run is one flow: scan jobs (children)
 * each digest a slice of the objects into a partial; the merge job (their parent) merges the
 * partials into the run's final partial. Job IDs derive from the run ID, so a re-run of a job
 * (after its worker died) writes the same partial again.
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
  strict: boolean;
  skipBadObjects: boolean;
}

export interface ScanJobData {
  run: string;
  /** The input the objects were listed from (a directory, file or s3:// URL), to read them through. */
  input: string;
  objects: JobObject[];
  options: JobRunOptions;
}

export interface MergeJobData {
  run: string;
}

/** What scan and merge jobs return: the key of the partial they stored. */
export interface JobResult {
  partial: string;
}

export const scanJobId = (run: string, i: number): string => `${run}-scan-${i}`;
export const mergeJobId = (run: string): string => `${run}-merge`;
export const partialKey = (run: string, jobId: string): string => `${run}/${jobId}.fdp`;

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
