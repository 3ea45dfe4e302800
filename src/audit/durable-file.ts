/**
 * Durable file writes for the spool, the offsets and the store sink: temp + fsync + rename +
 * directory fsync, so a reader (or a restart after a crash) sees the old file or the whole new
 * one, and a rename that returned survives a power cut.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary files start with this; the spool removes stale ones at start-up. */
export const TMP_PREFIX = '.tmp-';

/** fsync a directory, so entries created or renamed in it are durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Write `data` to `path` atomically and durably. */
export async function writeFileDurable(path: string, data: string | Uint8Array, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const dir = dirname(path);
  const tmp = join(dir, `${TMP_PREFIX}${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    signal?.throwIfAborted();
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

/** Append `data` to `path` (created if missing) and fsync it before resolving. */
export async function appendDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await fh.writeFile(data);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
