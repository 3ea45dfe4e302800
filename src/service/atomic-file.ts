/**
 * Atomic files of the store and the markers: {@link writeDurable} (temporary name in the same
 * directory, fsync, rename, directory fsync). A reader sees the old file or the whole new one,
 * never a part; a crash leaves at most a `.tmp-` file that no reader looks at and
 * {@link removeTemporaries} sweeps.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { TMP_PREFIX, writeDurable } from '../util/durable.js';

/** Write `path` atomically and durably from `write` (which must not end the stream); gzip when `gzip`. */
export function writeFileAtomic(
  path: string,
  write: (out: Writable) => Promise<void>,
  options: { gzip?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  return writeDurable(path, write, options);
}

/** Write a small string atomically and durably. */
export function writeTextAtomic(path: string, text: string, signal?: AbortSignal): Promise<void> {
  return writeDurable(path, text, { signal });
}

/** A temporary file older than this is an interrupted write whatever its writer (another host's process). */
const TMP_MAX_AGE_MS = 24 * 3_600_000;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temporary files of interrupted writes (a SIGKILL, a power cut) from `dir`: those
 * whose writer's process (the pid in the name) is gone, and any older than a day. A write in
 * progress in another live process on this host is left alone. Resolves with the count.
 */
export async function removeTemporaries(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const path = join(dir, name);
    const pid = Number(/\.(\d+)\.[0-9a-f]{8}$/.exec(name)?.[1] ?? NaN);
    let old = false;
    try {
      old = Date.now() - (await stat(path)).mtimeMs > TMP_MAX_AGE_MS;
    } catch {
      continue;
    }
    if (Number.isSafeInteger(pid) && alive(pid) && !old) continue;
    await rm(path, { force: true });
    removed++;
  }
  return removed;
}
