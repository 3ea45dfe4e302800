/**
 * Where a command writes: stdout, a file written atomically and durably (util/durable: a
 * temporary file fsynced and renamed into place on success, removed on failure), or an `s3://bucket/key` object uploaded all-or-nothing;
 * gzip-compressed when the name ends in `.gz`.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { FlowdigestError, OutputError } from '../errors.js';
import { checkOutputPath, describeWriteError } from './output-check.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { uploadToS3 } from '../sources/s3/upload.js';
import { isS3Url } from '../sources/s3/url.js';
import { writeDurable } from '../util/durable.js';
import { pipeWriter } from '../util/pipe.js';

/**
 * Run `write` against the destination; commit only if it succeeds. `s3` serves `s3://`
 * destinations; `fsync: false` (`--no-fsync`, scratch output) skips the file's and directory's fsync.
 */
export async function withOutput(
  path: string | undefined,
  write: (out: Writable) => Promise<void>,
  options: { signal?: AbortSignal; s3?: S3ClientOptions; fsync?: boolean } = {},
): Promise<void> {
  if (path === undefined || path === '-') {
    await write(process.stdout);
    return;
  }
  if (isS3Url(path)) {
    await uploadToS3(path, write, { ...options.s3, signal: options.signal });
    return;
  }
  // Checked again here (the CLI checks before reading anything): the directory may have gone since.
  checkOutputPath(path);
  // Devices and pipes (/dev/null, /dev/stdout, a FIFO) are written in place: renaming a
  // temporary file over them would replace the device with a regular file.
  const existing = await stat(path).catch(() => null);
  if (existing !== null && !existing.isFile()) {
    const device = createWriteStream(path);
    try {
      await once(device, 'open');
      await pipeWriter(write, device, { gzip: path.endsWith('.gz') });
    } catch (err) {
      device.destroy();
      throw namedWriteError(err, path);
    }
    return;
  }
  try {
    await writeDurable(path, write, { gzip: path.endsWith('.gz'), fsync: options.fsync, signal: options.signal });
  } catch (err) {
    throw namedWriteError(err, path);
  }
}

/** A system error of writing (ENOSPC, EIO, ...) as an OutputError naming the path the user gave; others unchanged. */
function namedWriteError(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (err instanceof FlowdigestError || typeof code !== 'string' || !('syscall' in (err as object)) || code === 'EPIPE')
    return err;
  return new OutputError(`${path}: cannot write: ${describeWriteError(err)}`, { key: path }, { cause: err });
}
