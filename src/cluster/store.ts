/**
 * Where cluster workers put their partials: a directory every process can reach (a shared
 * filesystem). Each write is atomic: a temporary name in the same directory, then a rename, so a
 * reader sees a whole partial or none, and a worker killed mid-write leaves only a `.tmp-` file.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidOptionError } from '../errors.js';

/** A store of partials, by key (`<run>/<name>.fdp`). */
export interface PartialStore {
  /** Where it is, for messages. */
  readonly description: string;
  put(key: string, chunks: Iterable<Uint8Array>): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** Remove every partial of a run. */
  removeRun(run: string): Promise<void>;
  /** Remove the runs last written before `before` (abandoned by their planner); returns how many. */
  sweep(before: Date): Promise<number>;
}

const KEY = /^[A-Za-z0-9_-]{1,80}\/[A-Za-z0-9_.-]{1,120}$/;
const RUN = /^[A-Za-z0-9_-]{1,80}$/;

/** A {@link PartialStore} in a directory. */
export class FsPartialStore implements PartialStore {
  readonly description: string;
  private readonly root: string;

  constructor(dir: string) {
    if (typeof dir !== 'string' || dir === '') throw new InvalidOptionError('--store', 'must name a directory');
    this.root = resolve(dir);
    this.description = this.root;
  }

  async put(key: string, chunks: Iterable<Uint8Array>): Promise<void> {
    const path = this.path(key);
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    try {
      await writeFile(tmp, chunks);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async removeRun(run: string): Promise<void> {
    if (!RUN.test(run)) throw new InvalidOptionError('run', `'${run}' is not a run id`);
    await rm(join(this.root, run), { recursive: true, force: true });
  }

  async sweep(before: Date): Promise<number> {
    let removed = 0;
    const runs = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const d of runs) {
      if (!d.isDirectory() || !RUN.test(d.name)) continue;
      const path = join(this.root, d.name);
      const newest = await newestMtime(path);
      if (newest < before.getTime()) { await rm(path, { recursive: true, force: true }); removed++; }
    }
    return removed;
  }

  // Keys come from job data in Redis: only `<run>/<file>` of plain characters, never a path out.
  private path(key: string): string {
    if (!KEY.test(key) || key.includes('..')) throw new InvalidOptionError('partial key', `'${key}' is not a partial key`);
    return join(this.root, key);
  }
}

async function newestMtime(dir: string): Promise<number> {
  let newest = (await stat(dir)).mtimeMs;
  for (const f of await readdir(dir)) newest = Math.max(newest, (await stat(join(dir, f)).catch(() => ({ mtimeMs: 0 }))).mtimeMs);
  return newest;
}
