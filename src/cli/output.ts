/**
 * Where a command writes: stdout, or a file written atomically (a temporary file renamed into
 * place on success, removed on failure), gzip-compressed when the name ends in `.gz`.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';

/** Run `write` against the destination; commit only if it succeeds. */
export async function withOutput(path: string | undefined, write: (out: Writable) => Promise<void>): Promise<void> {
  if (path === undefined || path === '-') {
    await write(process.stdout);
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const file = createWriteStream(tmp);
  await once(file, 'open');
  try {
    if (path.endsWith('.gz')) {
      const body = new PassThrough();
      const done = pipeline(body, createGzip(), file);
      await write(body);
      body.end();
      await done;
    } else {
      await write(file);
      file.end();
      await once(file, 'finish');
    }
    await rename(tmp, path);
  } catch (err) {
    file.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
}
