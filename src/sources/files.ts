/**
 * Local files and directories. Directories are walked recursively (in sorted order, so runs are
 * repeatable) for `*.log.gz`, `*.log`, `*.gz` and `*.parquet`; a file named explicitly is read whatever its name,
 * and a FIFO or character device named explicitly (`<(zcat a.gz)`, `/dev/stdin`) is read as a stream.
 *
 * Inside a directory, symbolic links are followed: a link to a file is read like the file, a link
 * to a directory is walked, but every file and directory (by device and inode) at most once in a
 * run (see {@link ListContext.seen}), so a file named twice, reached through a link or as
 * `../a/x.log`, a link loop or a second link to the same tree adds nothing twice; the repeat is
 * counted under `already_listed` or `directory_already_walked`. A link that cannot be followed
 * (dangling, a loop of links, no permission) is passed over and counted under its reason, like
 * any other object passed over while listing.
 *
 * A file is read whole and handed to a worker, except a large plain-text file: it goes through
 * a {@link StreamSource} in blocks of whole lines, so its size never sets the memory used.
 * (A gzip object cannot be split; it is held whole, like an S3 object.)
 */
import { createReadStream } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { parseFlowLogKey } from './aws-key.js';
import { isGzip } from '../util/gunzip.js';
import type { ListContext, ObjectRef, ObjectSource } from './source.js';
import { StreamSource } from './stream.js';

/** Plain-text files above this size are read as a stream of line blocks. */
export const PLAIN_STREAM_THRESHOLD = 64 * 1024 * 1024;

const LOG_FILE = /\.(log\.gz|log|gz|parquet)$/;

export class FileSource implements ObjectSource {
  readonly description: string;
  /** Blocks of large plain files, and the stream each came from. */
  private readonly streamed = new WeakMap<ObjectRef, StreamSource>();

  /**
   * @param options.plainStreamAbove plain-text files above this many bytes are streamed in blocks (default 64 MiB)
   * @param options.blockBytes bytes of lines per block of such a file (default 4 MiB)
   */
  constructor(
    private readonly path: string,
    private readonly options: { plainStreamAbove?: number; blockBytes?: number } = {},
  ) {
    this.description = path;
  }

  async *list(ctx: ListContext): AsyncIterable<ObjectRef> {
    const st = await statInput(this.path);
    const seen = ctx.seen ?? new Set<string>();
    if (st.isFile()) {
      if (firstTime(seen, st, this.path, ctx)) yield* this.file(this.path, st.size, ctx);
      return;
    }
    if (st.isFIFO() || st.isCharacterDevice()) {
      if (firstTime(seen, st, this.path, ctx)) yield* this.stream(this.path, this.ref(this.path, 0), ctx);
      return;
    }
    if (!st.isDirectory()) throw new InputError(`${this.path}: not a file, directory or FIFO`, { key: this.path });
    yield* this.walk(this.path, st, seen, ctx);
  }

  /** Walk `dir` (stat `st`), unless a directory of the same device and inode was walked already. */
  private async *walk(dir: string, st: Stats, seen: Set<string>, ctx: ListContext): AsyncIterable<ObjectRef> {
    ctx.signal.throwIfAborted();
    const id = `dir:${st.dev}:${st.ino}`;
    if (seen.has(id)) {
      ctx.skip(dir, 'directory_already_walked');
      return;
    }
    seen.add(id);
    let entries: Dirent[];
    try {
      entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
    } catch (err) {
      throw new InputError(`${dir}: cannot list directory: ${(err as Error).message}`, { key: dir }, { cause: err });
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (!entry.isDirectory() && !entry.isFile() && !entry.isSymbolicLink()) {
        ctx.skip(path, 'not_regular_file');
        continue;
      }
      // A link's target decides what it is; one that cannot be followed is passed over, counted.
      let target: Stats;
      try {
        target = await stat(path);
      } catch (err) {
        if (!entry.isSymbolicLink())
          throw new InputError(`${path}: cannot read: ${(err as Error).message}`, { key: path }, { cause: err });
        const code = (err as NodeJS.ErrnoException).code;
        ctx.skip(
          path,
          code === 'ENOENT' ? 'dangling_symlink' : code === 'ELOOP' ? 'symlink_loop' : 'unreadable_symlink',
        );
        continue;
      }
      if (target.isDirectory()) {
        yield* this.walk(path, target, seen, ctx);
      } else if (target.isFile()) {
        if (!LOG_FILE.test(entry.name)) {
          ctx.skip(path, 'not_log_file');
          continue;
        }
        if (target.size === 0) {
          ctx.skip(path, 'empty');
          continue;
        }
        if (firstTime(seen, target, path, ctx)) yield* this.file(path, target.size, ctx);
      } else {
        ctx.skip(path, 'not_regular_file');
      }
    }
  }

  private async *file(path: string, size: number, ctx: ListContext): AsyncIterable<ObjectRef> {
    if (size <= (this.options.plainStreamAbove ?? PLAIN_STREAM_THRESHOLD) || (await startsWithGzip(path))) {
      yield this.ref(path, size);
      return;
    }
    yield* this.stream(path, this.ref(path, size), ctx);
  }

  /** `path` read as a stream of line blocks, each annotated with what its path says. */
  private async *stream(
    path: string,
    { account, region, timestamp }: ObjectRef,
    ctx: ListContext,
  ): AsyncIterable<ObjectRef> {
    const stream = new StreamSource(createReadStream(path), path, this.options.blockBytes);
    for await (const block of stream.list(ctx)) {
      // The block ref itself is the stream's handle to its bytes: annotate it, don't copy it.
      Object.assign(block, { account, region, timestamp });
      this.streamed.set(block, stream);
      yield block;
    }
  }

  private ref(path: string, size: number): ObjectRef {
    const ref: ObjectRef = { key: path, size };
    const parsed = parseFlowLogKey(path);
    if (!('rejected' in parsed)) {
      ref.account = parsed.account;
      ref.region = parsed.region;
      ref.timestamp = parsed.timestamp;
    }
    return ref;
  }

  async read(ref: ObjectRef, signal: AbortSignal): Promise<Uint8Array> {
    const stream = this.streamed.get(ref);
    if (stream !== undefined) return stream.read(ref);
    try {
      return await readFile(ref.key, { signal });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new InputError(`${ref.key}: cannot read: ${(err as Error).message}`, { key: ref.key }, { cause: err });
    }
  }
}

/** Whether the file `st` is listed for the first time in this run; a repeat is counted as `already_listed`. */
function firstTime(seen: Set<string>, st: Stats, path: string, ctx: ListContext): boolean {
  const id = `file:${st.dev}:${st.ino}`;
  if (seen.has(id)) {
    ctx.skip(path, 'already_listed');
    return false;
  }
  seen.add(id);
  return true;
}

async function statInput(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EACCES'
          ? 'permission denied'
          : (err as Error).message;
    throw new InputError(`${path}: ${why}`, { key: path }, { cause: err });
  }
}

async function startsWithGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return isGzip(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
