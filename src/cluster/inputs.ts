/**
 * The sources of a cluster run. Every worker must reach them: S3, or paths on a shared
 * filesystem. stdin cannot be shared; a plain-text file is one object (a worker reads it whole),
 * as its blocks could not be handed to other machines.
 */
import { resolve } from 'node:path';
import { InvalidOptionError } from '../errors.js';
import { FileSource } from '../sources/files.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { S3Source } from '../sources/s3/source.js';
import { isS3Url } from '../sources/s3/url.js';
import type { ObjectSource } from '../sources/source.js';

/** The input as every process names it: an absolute path, or the S3 URL. */
export function sharedInput(input: string): string {
  if (input === '-')
    throw new InvalidOptionError('INPUT', 'stdin (-) cannot be shared with cluster workers; name files or s3:// URLs');
  if (input === '') throw new InvalidOptionError('INPUT', 'must not be empty');
  return isS3Url(input) ? input : resolve(input);
}

/** The source behind a shared input. */
export function sourceOf(input: string, s3?: S3ClientOptions): ObjectSource {
  return isS3Url(input)
    ? new S3Source(input, s3)
    : new FileSource(input, { plainStreamAbove: Number.POSITIVE_INFINITY });
}
