/**
 * Digester and digest-run options: documented with defaults, validated once at the edge.
 * Wrong types raise InvalidOptionError naming the option (`options.threads must be ...`).
 */
import { availableParallelism, totalmem } from 'node:os';
import { InvalidOptionError } from '../errors.js';
import { parseFieldList } from '../format/field-list.js';
import { type KeySpec, parseKeySpec } from '../format/key.js';
import { type S3ClientOptions, validateS3ClientOptions } from '../sources/s3/client.js';
import { checkOptions, type OptionSchema } from '../util/option-schema.js';
import type { Progress } from './progress.js';

/** Options of a reusable {@link Digester} (the pool and prefetch bounds). */
export interface DigesterOptions {
  /** Worker threads that gunzip, scan and aggregate. @default os.availableParallelism() */
  threads?: number;
  /** Objects downloaded or read ahead at once. @default 8 */
  prefetchConcurrency?: number;
  /**
   * Stored (compressed) bytes held by the prefetcher and the workers at once. Peak memory is
   * about this plus each worker's partial digest; one larger object still goes through alone.
   * 32 MiB keeps two workers fed from local disk and eight S3 downloads of typical
   * (≤ 4 MiB) flow-log objects in flight.
   * @default 32 MiB
   */
  prefetchBytes?: number;
  /** How `s3://` inputs reach S3 (endpoint, path style, region, retries). @default AWS via the env */
  s3?: S3ClientOptions;
  /**
   * Bytes a run's digest tables (one per worker, shared memory) and its workers' WebAssembly
   * kernels (past the memory each takes to start) may hold together. A digest that needs more
   * fails with a MemoryLimitError naming this limit; nothing spills to disk. The tables are
   * hash-partitioned, so each row is held once; a kernel's merge copies its worker's table:
   * about 350 bytes a row at 800 k rows, 500 at 160 k.
   * @default half the machine's memory, at most 16 GiB
   */
  maxMemory?: number;
  /**
   * Rows per output range: the finished digest is cut into ranges of about this many rows, each
   * merged and formatted by one worker. Smaller ranges balance better and hold less output at once.
   * @default 32768
   */
  rangeRows?: number;
}

/** Options with defaults applied. */
export interface ResolvedDigesterOptions {
  threads: number;
  prefetchConcurrency: number;
  prefetchBytes: number;
  s3: S3ClientOptions;
  maxMemory: number;
  rangeRows: number;
}

/** Options of one digest run. */
export interface DigestRunOptions {
  /** Cancels listing, downloads and workers; the run rejects with an AbortError. */
  signal?: AbortSignal;
  /** Keep records whose `end` is at or after this instant. */
  start?: Date;
  /** Keep records whose `end` is before this instant. */
  end?: Date;
  /** Keep only these account IDs (by key path when it has one, else by record). */
  accounts?: readonly string[];
  /** Keep only these regions (by key path when it has one, else by record). */
  regions?: readonly string[];
  /**
   * The format of objects without a header line (CloudWatch Logs, Firehose, exports): a preset
   * (`v2`, `v3`, `v4`, `v5`, `v7`, `v8`, `tgw`), field names separated by spaces or commas, or
   * the flow log's LogFormat string (`${version} ${account-id} ...`). A header line still wins.
   * @default the v2 order
   */
  fields?: string | readonly string[];
  /**
   * The conversation key: field names (spaces or commas) that replace the default key, or
   * `+LIST` to add to it (`+pkt-srcaddr,flow-direction`). Every object's format must have the
   * fields named. Any key but v2's is scanned in JavaScript (slower than the default's kernel).
   * @default v2's key (account-id interface-id srcaddr dstaddr srcport dstport protocol action), or
   *   for Transit Gateway logs account-id tgw-id tgw-attachment-id srcaddr dstaddr srcport dstport protocol
   */
  key?: string | readonly string[];
  /**
   * The inputs are text digests (`merge`): a digest made with `key` names its key in its header
   * (its fields, then packets bytes start end log-status), and that key applies to it.
   * @default false
   */
  keyFromHeader?: boolean;
  /** Fail on the first malformed record instead of counting it. @default false */
  strict?: boolean;
  /** Skip (and list) corrupt or unreadable objects instead of failing. @default false */
  skipBadObjects?: boolean;
  /** Called as work progresses (at most every object completion and listing step). */
  onProgress?: (progress: Progress) => void;
}

/** Half the machine's memory, at most 16 GiB. */
export const DEFAULT_MAX_MEMORY = Math.min(Math.floor(totalmem() / 2), 16 * 1024 ** 3);

/**
 * The digester's numeric options, written once: the library checks them from here, and the
 * `digest`, `work` and `serve` flags that set them take their bounds, defaults and help from here.
 */
export const DIGESTER_OPTIONS = {
  threads: {
    type: 'int',
    min: 1,
    max: 256,
    flag: 'workers',
    short: 'w',
    arg: 'N',
    help: 'Worker threads',
    default: availableParallelism(),
    defaultText: 'available cores',
  },
  prefetchConcurrency: {
    type: 'int',
    min: 1,
    max: 1024,
    flag: 'prefetch',
    arg: 'N',
    help: 'Objects read ahead at once',
    default: 8,
  },
  prefetchBytes: {
    type: 'size',
    min: 1,
    flag: 'prefetch-bytes',
    arg: 'SZ',
    help: 'Stored bytes held in flight, e.g. 64MB',
    default: 32 * 1024 * 1024,
  },
  maxMemory: {
    type: 'size',
    min: 1,
    flag: 'max-memory',
    arg: 'SZ',
    help: "Memory the digest's tables and its workers' WebAssembly kernels\nmay take, e.g. 2GB; a digest that needs more fails, naming this\nlimit (nothing spills to disk). About 350 bytes a row at 800 k\nrows, 500 at 160 k (the tables hold each row once; a kernel's\nmerge copies its worker's table); at least 2.2 MiB per worker\n(-w), which each worker's table starts at.",
    default: DEFAULT_MAX_MEMORY,
    defaultText: "half the machine's memory, at most 16GB",
  },
  rangeRows: {
    type: 'int',
    min: 1,
    flag: null,
    help: 'Rows per output range, each merged and formatted by one worker',
    default: 32768,
  },
} as const satisfies OptionSchema;

export function resolveDigesterOptions(o: DigesterOptions = {}): ResolvedDigesterOptions {
  const checked = checkOptions(DIGESTER_OPTIONS, o) as Omit<ResolvedDigesterOptions, 's3'>;
  return { ...checked, s3: validateS3ClientOptions(o.s3) };
}

/** A run's options after validation: the window in Unix seconds, the header-less format. */
export interface ResolvedRunOptions {
  windowStart?: number;
  windowEnd?: number;
  fields?: string[];
  keySpec?: KeySpec;
}

/** Validate a run's options; returns the window in Unix seconds and the header-less fields. */
export function resolveRunOptions(o: DigestRunOptions): ResolvedRunOptions {
  const out: ResolvedRunOptions = {};
  if (o.fields !== undefined) {
    if (typeof o.fields !== 'string' && !Array.isArray(o.fields))
      throw new InvalidOptionError('options.fields', 'must be a string or an array of field names');
    out.fields = parseFieldList(o.fields, 'options.fields');
  }
  if (o.key !== undefined) out.keySpec = parseKeySpec(o.key, 'options.key');
  if (o.start !== undefined) out.windowStart = seconds('options.start', o.start);
  if (o.end !== undefined) out.windowEnd = seconds('options.end', o.end);
  if (out.windowStart !== undefined && out.windowEnd !== undefined && out.windowStart >= out.windowEnd) {
    throw new InvalidOptionError('options.start', 'must be before options.end');
  }
  for (const name of ['accounts', 'regions'] as const) {
    const v = o[name];
    if (
      v !== undefined &&
      (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x.length > 0))
    ) {
      throw new InvalidOptionError(`options.${name}`, 'must be a non-empty array of non-empty strings');
    }
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    throw new InvalidOptionError('options.signal', 'must be an AbortSignal');
  return out;
}

// Window bounds compare to `end` in whole seconds: a bound with a fraction rounds up.
function seconds(name: string, d: unknown): number {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new InvalidOptionError(name, 'must be a valid Date');
  return Math.ceil(d.getTime() / 1000);
}
