/**
 * The collection SDK's contract: a stream is a source and a destination with an ID and tags.
 * Sources emit objects (records or raw bytes) with metadata; the collector names each object,
 * hands it to the destination, and a destination commits it all or nothing.
 */
import type { Readable } from 'node:stream';
import type { RetryOptions } from './retry.js';

/** A half-open time range `[start, end)`. */
export interface Window {
  start: Date;
  end: Date;
}

/** One JSON value of a record. `bigint` and {@link JsonNumber} keep integers beyond 2^53 exact. */
export type JsonValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | JsonNumberLike
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A number kept as its literal text (see `JsonNumber` in ndjson.ts). */
export interface JsonNumberLike {
  readonly json: string;
}

/** Metadata every emitted object carries; it decides the object's name. */
export interface ObjectMeta {
  /** The time range the object covers. @default the run's window */
  window?: Window;
  /** Position of the object within its window, from 0; two objects of a window never share one. @default a counter per run */
  seq?: number;
  /**
   * A short stable label appended to the name (`[A-Za-z0-9._-]`, 1-64 characters), for sources
   * whose objects are keyed by something other than a window (FDR: a hash of the file path).
   */
  label?: string;
}

/** A page of records, written as gzip NDJSON (`.ndjson.gz`), one record per line. */
export interface RecordsObject extends ObjectMeta {
  format?: 'ndjson';
  /** The records: JSON values, or raw JSON text of one record each (kept as is, one line). */
  records: Iterable<JsonValue | RawRecord> | AsyncIterable<JsonValue | RawRecord>;
}

/** A record as the vendor's JSON text: written verbatim (whitespace outside strings removed). */
export interface RawRecord {
  readonly raw: string;
}

/** Bytes copied as they are (streamed, never buffered whole). */
export interface BytesObject extends ObjectMeta {
  format: 'bytes';
  body: Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** File name extension without the dot, e.g. `json.gz`, `log.gz`. */
  extension: string;
  /** `Content-Type` of the stored object. @default application/octet-stream */
  contentType?: string;
}

/** What a source emits. */
export type EmittedObject = RecordsObject | BytesObject;

/** What the collector reports back for each committed object. */
export interface Committed {
  name: string;
  records: number;
  bytes: number;
}

/** A structured log line: JSON to stderr by default. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** The context a source is run with. */
export interface SourceContext {
  /** The stream's ID, for messages. */
  streamId: string;
  /** The window to collect: `[start, end)`. */
  window: Window;
  /** Aborted when the run is cancelled; pass it to every request. */
  signal: AbortSignal;
  /**
   * Store one object. Resolves once the destination has committed it (after that, it is safe to
   * acknowledge the data upstream); rejects, with nothing stored, when it fails.
   */
  emit(object: EmittedObject): Promise<Committed>;
  /**
   * `fetch` with the stream's retry policy: network errors, 5xx and 429 are retried with
   * exponential backoff and jitter, honouring `Retry-After`; 401/403 fail at once with an
   * SourceAuthError naming the stream and `secretEnv`.
   */
  fetch(url: string, init: RequestInit & { secretEnv?: string }): Promise<Response>;
  /** Retry `fn` under the stream's policy (`fn` throws a RetryableError to ask for another attempt). */
  retry<T>(what: string, fn: (attempt: number) => Promise<T>): Promise<T>;
  /** Write a log line (the stream's ID is added). Never put a secret in it. */
  log(event: string, fields?: LogFields): void;
}

/**
 * A source: an async function that collects the context's window and emits objects through
 * `ctx.emit`. It is not given a writer: the collector owns naming and committing.
 */
export interface Source {
  (ctx: SourceContext): Promise<void>;
  /** A one-line description for `--list` and `--dry-run`. Never include secrets. */
  description?: string;
}

/** Options of {@link Destination.put}. */
export interface PutOptions {
  signal: AbortSignal;
  contentType: string;
}

/**
 * Object storage. `put` commits an object all or nothing: when `body` fails or the signal aborts,
 * nothing is visible under `name`. Names are relative; the destination adds its own prefix.
 */
export interface Destination {
  /** Where objects go, e.g. `s3://bucket/prefix/` (no credentials), for `--list` and logs. */
  readonly location: string;
  /** Store `body` under `name`, replacing any object there; resolves once it is committed. */
  put(name: string, body: Readable, options: PutOptions): Promise<void>;
  /** A small object's bytes (checkpoints), or undefined when there is none. */
  get(name: string, options: { signal: AbortSignal }): Promise<Buffer | undefined>;
  /**
   * Names (relative, as given to `put`) of the committed objects starting with `prefix`. With
   * `delete`, lets a re-run window drop pages it no longer has (e.g. after `limit` changed);
   * without them, stale pages of a shrunken re-run stay.
   */
  list?(prefix: string, options: { signal: AbortSignal }): Promise<string[]>;
  /** Remove an object; absent objects are not an error. */
  delete?(name: string, options: { signal: AbortSignal }): Promise<void>;
  /** Release clients; called once when the collector's run ends. */
  close?(): Promise<void>;
}

/** A stream definition: what `collector([...])` takes. */
export interface StreamDefinition {
  /** Required and unique: `-i` selects by it, and it names the stream's objects. `[A-Za-z0-9._-]`, 1-64 characters. */
  id: string;
  /** For `-t`; `[A-Za-z0-9._-]`, 1-64 characters each. */
  tags?: string[];
  source: Source;
  destination: Destination;
  /** How far behind now a checkpointed run stops, so late events are not missed. @default the collector's (5 minutes) */
  safetyLagMs?: number;
  /** Where the first checkpointed run starts, back from its end. @default the collector's (1 hour) */
  initialLookbackMs?: number;
}

/** Options of {@link collector}. */
export interface CollectorOptions {
  /** @default 5 minutes */
  safetyLagMs?: number;
  /** @default 1 hour */
  initialLookbackMs?: number;
  /** Retry policy of `ctx.fetch` / `ctx.retry`. */
  retry?: RetryOptions;
  /** Streams run at once. @default 4 */
  concurrency?: number;
  /** Where JSON log lines go. @default process.stderr */
  log?: NodeJS.WritableStream | ((line: Record<string, unknown>) => void);
  /** The clock, for tests. @default () => new Date() */
  now?: () => Date;
}
