/**
 * Atomic files: written under a temporary name in the same directory, synced, then renamed
 * into place. A reader sees the old file or the whole new one, never a part; a crash leaves at
 * most a `.tmp` file that no reader looks at.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** Temporary names start with this, so listings can pass them over. */
export const TMP_PREFIX = '.tmp-';

/** Write `path` atomically from `write` (which must not end the stream); gzip when `gzip`. */
export async function writeFileAtomic(path: string, write: (out: Writable) => Promise<void>, options: { gzip?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  options.signal?.throwIfAborted();
  const tmp = join(dirname(path), `${TMP_PREFIX}${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const file = createWriteStream(tmp, { flags: 'wx' });
  const body = new PassThrough({ highWaterMark: 1 << 20 });
  const done = options.gzip
    ? pipeline(body, createGzip({ chunkSize: 256 * 1024 }), file, { signal: options.signal })
    : pipeline(body, file, { signal: options.signal });
  // The pipeline settles later when `write` fails first; its rejection is handled below.
  done.catch(() => {});
  try {
    const writing = write(body);
    writing.catch(() => {});
    await Promise.race([writing, done]);
    await writing;
    body.end();
    await done;
    // Durable before visible: a power cut after the rename must not leave an empty file.
    const fh = await open(tmp, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
    await rename(tmp, path);
  } catch (err) {
    body.destroy();
    file.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Write a small string atomically. */
export function writeTextAtomic(path: string, text: string, signal?: AbortSignal): Promise<void> {
  return writeFileAtomic(path, async (out) => { out.write(text); }, { signal });
}
