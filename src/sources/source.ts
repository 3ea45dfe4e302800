/**
 * Sources list objects and read their stored bytes. The engine pulls from them through the
 * prefetcher; a source never sees the pool or the digest (data flows one way).
 */

/** One object (or one block of a stream) to digest. */
export interface ObjectRef {
  /** File path, `s3://bucket/key`, or `-` for stdin; used in every error and sample. */
  key: string;
  /** Stored (compressed) size in bytes; the prefetch budget counts it. */
  size: number;
  /** From an AWS-layout key, when it parses: lets selections skip whole objects. */
  account?: string;
  region?: string;
  timestamp?: Date;
  /** True when the listing already holds this object's bytes (a block of a stream): the engine
   *  then bounds how far it lists ahead by them. */
  listedWithData?: boolean;
  /** For a block of a stream after the first: the field order in force and lines before it. */
  fields?: string[];
  firstLine?: number;
  /** Bytes of over-long lines a stream dropped from this block (each kept as a stub the scanner
   *  counts as malformed): added to the bytes read, so the summary counts them. */
  elidedBytes?: number;
}

/** Where objects come from: local files, stdin, S3, or your own. */
export interface ObjectSource {
  /** A short description for messages, e.g. the path or bucket. */
  readonly description: string;

  /** The objects, lazily. Listing stops when `ctx.signal` aborts. */
  list(ctx: ListContext): AsyncIterable<ObjectRef>;
  /** The stored bytes of one listed object. */
  read(ref: ObjectRef, signal: AbortSignal): Promise<Uint8Array>;
}

/** What a source's listing may use. */
export interface ListContext {
  signal: AbortSignal;
  /** Record an object passed over while listing (never silently): its key and a reason code. */
  skip(key: string, reason: string): void;
  /**
   * The run's selection. A source may use it to avoid listing what cannot match (S3 plans its
   * prefixes from it); it may also ignore it, since the engine applies the selection anyway.
   */
  selection?: ListSelection;
  /**
   * Identities of the objects (and directories) listed so far in this run, shared by all its
   * sources: files and directories by device and inode, S3 objects by URL. An object reached
   * twice (named twice, through a link, as `../a/x.log`, under two overlapping prefixes) is
   * listed once; the repeat is passed over as `already_listed` (`directory_already_walked` for
   * a directory). When absent, each listing keeps its own.
   */
  seen?: Set<string>;
}

/** What a run selects, as given in its options. */
export interface ListSelection {
  /** Records whose `end` is at or after this instant. */
  start?: Date;
  /** Records whose `end` is before this instant. */
  end?: Date;
  accounts?: readonly string[];
  regions?: readonly string[];
}
