/** Markers as files `{id}_in_progress` (the Go service's name) in a directory, written atomically. */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { removeTemporaries, writeTextAtomic } from '../atomic-file.js';
import { ID_PATTERN } from '../ids.js';
import { IdDirectory } from '../id-directory.js';
import { MARKER_SUFFIX } from '../storage/names.js';
import type { Marker, MarkerRecord } from './types.js';
import { decodeMarker, encodeMarker } from './record.js';

export class FsMarker implements Marker {
  readonly description: string;
  private readonly dir: IdDirectory;

  constructor(dir: string) {
    this.dir = new IdDirectory(dir);
    this.description = this.dir.path;
  }

  private path(id: string): string {
    return this.dir.file(id, MARKER_SUFFIX);
  }

  async get(id: string): Promise<MarkerRecord | undefined> {
    const path = this.path(id);
    try {
      const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      return decodeMarker(id, text, st.mtimeMs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async set(record: MarkerRecord): Promise<void> {
    await this.dir.ensure();
    await writeTextAtomic(this.path(record.id), encodeMarker(record));
  }

  async clear(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }

  cleanup(): Promise<number> {
    return removeTemporaries(this.dir.path);
  }

  async *list(): AsyncIterable<MarkerRecord> {
    let names: string[];
    try {
      names = await readdir(this.dir.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names) {
      if (!name.endsWith(MARKER_SUFFIX)) continue;
      const id = name.slice(0, -MARKER_SUFFIX.length);
      if (!ID_PATTERN.test(id)) continue;
      const record = await this.get(id);
      if (record !== undefined) yield record;
    }
  }
}
