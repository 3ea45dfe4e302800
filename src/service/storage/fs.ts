/**
 * Digests in a local directory: `{id}.ndjson.gz` (rows with record counts, then the stats),
 * `{id}.json` (metadata and stats), then `{id}.log.gz` (the text digest, as the Go service
 * named it). Each is written atomically, and the text body is written last: its presence is
 * the commit, so a digest interrupted before it is invisible and is simply made again.
 */
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic, writeTextAtomic } from '../atomic-file.js';
import type { DigestMeta, Storage, StoredBody, StoredKind } from './types.js';
import { assertId, BODY_SUFFIX, META_SUFFIX } from './names.js';

/** Storage in a directory (created if missing). */
export class FsStorage implements Storage {
  readonly description: string;
  private readonly dir: string;
  private ready: Promise<unknown> | undefined;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.description = this.dir;
  }

  private path(id: string, suffix: string): string {
    return join(this.dir, `${assertId(id)}${suffix}`);
  }

  async has(id: string): Promise<boolean> {
    try {
      return (await stat(this.path(id, BODY_SUFFIX.text))).isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async put(meta: DigestMeta, write: (kind: StoredKind, out: import('node:stream').Writable) => Promise<void>, signal?: AbortSignal): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    await writeFileAtomic(this.path(meta.id, BODY_SUFFIX.ndjson), (out) => write('ndjson', out), { gzip: true, signal });
    await writeTextAtomic(this.path(meta.id, META_SUFFIX), `${JSON.stringify(meta)}\n`, signal);
    await writeFileAtomic(this.path(meta.id, BODY_SUFFIX.text), (out) => write('text', out), { gzip: true, signal });
  }

  async open(id: string, kind: StoredKind): Promise<StoredBody | undefined> {
    if (kind !== 'text' && !(await this.has(id))) return undefined;
    let fh;
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
}
