/**
 * The checks an output path (`-o PATH`) must pass before a command reads anything, so a typo in
 * the path fails at once, naming the path as given, instead of after the whole run. Kept apart
 * from output.ts (which loads the S3 upload code) so argument parsing stays light.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError, OutputError } from '../errors.js';
import { S3_URL } from '../util/patterns.js';

/** Why writing failed, in words, for an errno code. */
export function describeWriteError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such directory';
    case 'EROFS':
      return 'read-only file system';
    case 'EIO':
      return 'input/output error';
    case 'EFBIG':
      return 'file too large';
    default:
      return (err as Error)?.message ?? String(err);
  }
}

/**
 * Throw unless `path` can be written: a file in an existing, writable directory (the file is
 * written beside itself and renamed into place), or an existing device or pipe that is writable.
 * `-`, absent and `s3://` outputs are not local paths and pass.
 * @throws OutputError naming `path` as given; InputError when it is a directory.
 */
export function checkOutputPath(path: string | undefined): void {
  if (path === undefined || path === '-' || S3_URL.test(path)) return;
  const existing = statOrNull(path);
  if (existing?.isDirectory()) throw new InputError(`${path}: is a directory`, { key: path });
  if (existing !== null && !existing.isFile()) {
    writable(path, path, 'the output');
    return;
  }
  const dir = dirname(path);
  const parent = statOrNull(dir);
  if (parent === null)
    throw new OutputError(`${path}: cannot write: the directory '${dir}' does not exist`, { key: path });
  if (!parent.isDirectory()) throw new OutputError(`${path}: cannot write: '${dir}' is not a directory`, { key: path });
  writable(dir, path, `the directory '${dir}'`);
}

function writable(target: string, path: string, what: string): void {
  try {
    accessSync(target, constants.W_OK);
  } catch (err) {
    throw new OutputError(
      `${path}: cannot write: ${what} is not writable (${describeWriteError(err)})`,
      { key: path },
      { cause: err },
    );
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
