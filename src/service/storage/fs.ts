/**
 * Digests in a local directory: `{id}.ndjson.gz` (rows with record counts, then the stats),
 * `{id}.json` (metadata and stats), then `{id}.log.gz` (the text digest, as the Go service
 * named it). Each is written atomically, and the text body is written last: its presence is
 * the commit, so a digest interrupted before it is invisible and is simply made again.
 */
import { type FileHandle, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { removeTemporaries, writeFileAtomic, writeTextAtomic } from '../atomic-file.js';
import { ID_PATTERN } from '../ids.js';
import { IdDirectory } from '../id-directory.js';
import type { DigestMeta, Storage, StoredBody, StoredKind } from './types.js';
import { BODY_SUFFIX, META_SUFFIX } from './names.js';

/** Storage in a directory (created if missing). */
export class FsStorage implements Storage {
  readonly description: string;
  private readonly dir: IdDirectory;

  constructor(dir: string) {
    this.dir = new IdDirectory(dir);
    this.description = this.dir.path;
  }

  private path(id: string, suffix: string): string {
    return this.dir.file(id, suffix);
  }

  async has(id: string): Promise<boolean> {
    try {
      return (await stat(this.path(id, BODY_SUFFIX.text))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async put(
    meta: DigestMeta,
    write: (kind: StoredKind, out: import('node:stream').Writable) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.dir.ensure();
    await writeFileAtomic(this.path(meta.id, BODY_SUFFIX.ndjson), (out) => write('ndjson', out), {
      gzip: true,
      signal,
    });
    await writeTextAtomic(this.path(meta.id, META_SUFFIX), `${JSON.stringify(meta)}\n`, signal);
    await writeFileAtomic(this.path(meta.id, BODY_SUFFIX.text), (out) => write('text', out), { gzip: true, signal });
  }

  async open(id: string, kind: StoredKind): Promise<StoredBody | undefined> {
    if (kind !== 'text' && !(await this.has(id))) return undefined;
    let fh: FileHandle;
    try {
      fh = await open(this.path(id, BODY_SUFFIX[kind]), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    // The open handle keeps reading the same file even if a later run renames a new one in.
    const { size } = await fh.stat();
    return { body: fh.createReadStream({ highWaterMark: 64 * 1024 }), size, encoding: 'gzip' };
  }

  async meta(id: string): Promise<DigestMeta | undefined> {
    if (!(await this.has(id))) return undefined;
    return JSON.parse(await readFile(this.path(id, META_SUFFIX), 'utf8')) as DigestMeta;
  }

  async *list(): AsyncIterable<DigestMeta> {
    let names: string[];
    try {
      names = await readdir(this.dir.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names) {
      if (!name.endsWith(META_SUFFIX) || !ID_PATTERN.test(name.slice(0, -META_SUFFIX.length))) continue;
      try {
        const meta = await this.meta(name.slice(0, -META_SUFFIX.length));
        if (meta !== undefined) yield meta;
      } catch (err) {
        // Deleted meanwhile (another process's sweep): nothing to list.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }

  async delete(id: string): Promise<void> {
    await rm(this.path(id, BODY_SUFFIX.text), { force: true });
    await rm(this.path(id, META_SUFFIX), { force: true });
    await rm(this.path(id, BODY_SUFFIX.ndjson), { force: true });
  }

  cleanup(): Promise<number> {
    return removeTemporaries(this.dir.path);
  }
}
