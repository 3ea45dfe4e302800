/**
 * A directory as a destination. Each object is written durably (util/durable: a temporary file
 * beside its final name, fsynced, renamed into place, the directory fsynced), so a reader sees
 * the whole object or none, also after a power cut; a failed write removes the temporary file.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidOptionError } from '../../errors.js';
import type { Destination, PutOptions } from '../types.js';
import { checkPrefix } from './prefix.js';
import { ensureDir, TMP_PREFIX, writeDurable } from '../../util/durable.js';

/** Options of {@link fsDestination}. */
export interface FsDestinationOptions {
  /** The directory (created when missing). */
  dir: string;
  /** Folders under it, e.g. `slack/`. @default '' */
  prefix?: string;
}

/** Objects as files under `dir/prefix`. */
export function fsDestination(options: FsDestinationOptions): Destination {
  if (options === null || typeof options !== 'object' || typeof options.dir !== 'string' || options.dir === '') {
    throw new InvalidOptionError('fsDestination.dir', 'must be a directory path');
  }
  const root = resolve(options.dir);
  const prefix = checkPrefix(options.prefix, 'fsDestination.prefix');
  const path = (name: string) => join(root, ...`${prefix}${name}`.split('/'));
  return {
    location: `${join(root, ...prefix.split('/'))}/`.replace(/\/+$/, '/'),
    async put(name: string, body: Readable, { signal }: PutOptions) {
      const final = path(name);
      try {
        await ensureDir(dirname(final));
      } catch (err) {
        body.destroy();
        throw err;
      }
      // Durable before the checkpoint moves past it: a checkpoint that survives a power cut
      // must not point past a page object that did not.
      await writeDurable(final, body, { signal });
    },
    async get(name: string) {
      try {
        return await readFile(path(name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async list(namePrefix: string) {
      const slash = namePrefix.lastIndexOf('/');
      const folder = namePrefix.slice(0, slash + 1);
      const start = namePrefix.slice(slash + 1);
      try {
        const entries = await readdir(path(folder || '.'), { withFileTypes: true });
        // Temporary files of writes in progress are not objects.
        return entries
          .filter(
            (e) =>
              e.isFile() &&
              e.name.startsWith(start) &&
              !e.name.startsWith(TMP_PREFIX) &&
              !/\.tmp-[0-9a-f]{12}$/.test(e.name),
          )
          .map((e) => `${folder}${e.name}`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    async delete(name: string) {
      await rm(path(name), { force: true });
    },
  };
}
