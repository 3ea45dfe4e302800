/**
 * Durable writes: the one place flowdigest replaces a file or creates one to append to.
 *
 * A replacement is written to a temporary file in the same directory, fsynced, renamed over the
 * final name, and the directory is fsynced: a reader (or a restart after a crash or a power
 * cut) sees the old file or the whole new one, never an empty or short one, and a write that
 * resolved survives a power cut. A failed or aborted write removes its temporary file.
 *
 * An append-created file has its directory fsynced when the open created it, so a line that
 * was fsynced is not lost with the file's directory entry.
 */
import { randomBytes } from 'node:crypto';
import { close, constants, createWriteStream, fdatasync, open as openFd, write, writev } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pipeWriter, type Writer } from './pipe.js';

/** Temporary files start with this, so listings and start-up sweeps can pass them over. */
export const TMP_PREFIX = '.tmp-';

/** The temporary name of a write to `path`: `.tmp-NAME.PID.RANDOM` beside it. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `${TMP_PREFIX}${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}`);
}

/** Options of the durable writes. */
export interface DurableWriteOptions {
  /** Aborts the write; the temporary file is removed and the final name left as it was. */
  signal?: AbortSignal;
  /**
   * fsync the file and its directory. Off only for scratch output (`--no-fsync`): the rename
   * still makes the write all-or-nothing while the system runs, but a power cut can leave the
   * file empty or missing. @default true
   */
  fsync?: boolean;
  /** Compress `write`'s output with gzip (writer form only). @default false */
  gzip?: boolean;
  /**
   * A streamed write (a writer or a stream) fdatasyncs every this many bytes in the background,
   * so its final fsync has only the tail left; 0: only the final fsync. Unused without `fsync`.
   * @default {@link FLUSH_EVERY_BYTES}
   */
  flushEveryBytes?: number;
}

/** fsync a directory, so entries created or renamed in it are durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Create `dir` and its missing parents (like `mkdir -p`), fsyncing the parent of each directory
 * it created, so a file made durable inside it is not lost with a new directory's entry.
 */
export async function ensureDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  // The parents of the created directories: first's parent, first, first/a, ... up to dir's parent.
  const parents = [dirname(first)];
  let at = first;
  for (const part of relative(first, dir).split(sep).filter(Boolean)) {
    parents.push(at);
    at = join(at, part);
  }
  for (const p of parents) await syncDir(p);
}

/** What a durable write takes: bytes, chunks, a stream, or a writer that writes into a stream. */
export type DurableContent = string | Uint8Array | Iterable<Uint8Array> | Readable | Writer;

function isReadable(v: unknown): v is Readable {
  return typeof v === 'object' && v !== null && typeof (v as Readable).pipe === 'function';
}

/**
 * Replace `path` with `content`, atomically and (unless `fsync: false`) durably. A writer
 * function must not end the stream it is given.
 */
export async function writeDurable(
  path: string,
  content: DurableContent,
  options: DurableWriteOptions = {},
): Promise<void> {
  const { signal, fsync = true } = options;
  signal?.throwIfAborted();
  const tmp = temporaryPath(path);
  try {
    if (typeof content === 'function' || isReadable(content)) {
      const every = options.flushEveryBytes ?? FLUSH_EVERY_BYTES;
      const flusher = fsync && every > 0 ? new BackgroundFlush(every) : null;
      const file = createWriteStream(tmp, { flags: 'wx', ...(flusher ? { fs: flusher.fs } : {}) });
      try {
        await once(file, 'open');
        if (typeof content === 'function') await pipeWriter(content, file, { gzip: options.gzip, signal });
        else await pipeline(content, file, { signal });
      } catch (err) {
        file.destroy();
        if (isReadable(content)) content.destroy();
        throw err;
      }
      await flusher?.settled();
      if (fsync) await syncFile(tmp);
    } else {
      const fh = await open(tmp, 'wx');
      try {
        if (typeof content === 'string' || content instanceof Uint8Array) await fh.writeFile(content, { signal });
        // writeFile, not write: it loops until the whole chunk is written.
        else for (const chunk of content) await fh.writeFile(chunk);
        if (fsync) await fh.sync();
      } finally {
        await fh.close();
      }
    }
    signal?.throwIfAborted();
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  if (fsync) await syncDir(dirname(path));
}

/**
 * Bytes a streamed write passes between its background flushes, by default. A long write (a
 * 101 MB digest) flushes as it goes, so the fsync that ends it has only the tail left: at 101 MB
 * on this project's VM it took 41-45 ms after the last byte, with flushes every 16 MiB 5-9 ms
 * (docs/durability.md; `bench/durable-write.ts`).
 */
export const FLUSH_EVERY_BYTES = 16 * 1024 * 1024;

/**
 * The file operations of a streamed durable write (`createWriteStream`'s `fs` option): each
 * `every` bytes written, an fdatasync starts in the background (one at a time), and the file is
 * closed only once it is done, so the descriptor is never closed under it. The final fsync is
 * still the write's own: a background flush only makes it shorter.
 */
class BackgroundFlush {
  private since = 0;
  private flushing: Promise<void> | null = null;
  private failure: NodeJS.ErrnoException | null = null;

  constructor(private readonly every: number) {}

  readonly fs = {
    open: openFd,
    write: (
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: number | null,
      done: (err: NodeJS.ErrnoException | null, written: number, buffer: Uint8Array) => void,
    ) =>
      write(fd, buffer, offset, length, position, (err, n, b) => {
        if (!err) this.wrote(fd, n);
        done(err, n, b);
      }),
    writev: (
      fd: number,
      buffers: NodeJS.ArrayBufferView[],
      position: number | null,
      done: (err: NodeJS.ErrnoException | null, written: number, buffers: NodeJS.ArrayBufferView[]) => void,
    ) =>
      writev(fd, buffers, position, (err, n, b) => {
        if (!err) this.wrote(fd, n);
        done(err, n, b);
      }),
    close: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => {
      void this.idle().then(() => close(fd, done));
    },
  };

  /** Resolves once no flush is running; rejects with the first flush's failure, if any. */
  async settled(): Promise<void> {
    await this.idle();
    if (this.failure) throw this.failure;
  }

  private idle(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  private wrote(fd: number, bytes: number): void {
    this.since += bytes;
    if (this.since < this.every || this.flushing !== null) return;
    this.since = 0;
    this.flushing = new Promise((resolve) =>
      fdatasync(fd, (err) => {
        if (err) this.failure ??= err;
        this.flushing = null;
        resolve();
      }),
    );
  }
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Open `path` for appending, creating it when missing; when this open created it, the
 * directory is fsynced before resolving, so the new entry survives a power cut.
 */
export async function openAppend(path: string): Promise<FileHandle> {
  try {
    return await open(path, constants.O_WRONLY | constants.O_APPEND);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL);
  } catch (err) {
    // Created meanwhile by another writer, who syncs the directory.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return open(path, constants.O_WRONLY | constants.O_APPEND);
    throw err;
  }
  try {
    await syncDir(dirname(path));
  } catch (err) {
    await fh.close();
    throw err;
  }
  return fh;
}

/** Append `data` to `path` (created if missing, see {@link openAppend}) and fdatasync it before resolving. */
export async function appendDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await openAppend(path);
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
