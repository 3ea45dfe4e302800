/** The inputs of a digest run: paths, `s3://` URLs, stdin, or sources of the caller's own. */
import { InvalidOptionError } from '../errors.js';
import { FileSource } from '../sources/files.js';
import type { S3ClientOptions } from '../sources/s3/client.js';
import { S3Source } from '../sources/s3/source.js';
import { isS3Url } from '../sources/s3/url.js';
import type { ObjectSource } from '../sources/source.js';
import { StreamSource } from '../sources/stream.js';

/** An input: a file or directory path, `s3://bucket[/prefix]`, `-` for stdin, or any {@link ObjectSource}. */
export type DigestInput = string | ObjectSource;

/** Turn inputs into sources; `-` is stdin, `s3://…` an {@link S3Source} reached with `options.s3`. */
export function toSources(inputs: readonly DigestInput[], options: { s3?: S3ClientOptions } = {}): ObjectSource[] {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new InvalidOptionError('inputs', 'must be a non-empty array of paths or sources');
  return inputs.map((input, i) => {
    if (typeof input === 'string') {
      if (input === '') throw new InvalidOptionError(`inputs[${i}]`, 'must not be empty');
      if (isS3Url(input)) return new S3Source(input, options.s3);
      return input === '-' ? new StreamSource(process.stdin) : new FileSource(input);
    }
    if (
      input === null ||
      typeof input !== 'object' ||
      typeof input.list !== 'function' ||
      typeof input.read !== 'function'
    ) {
      throw new InvalidOptionError(`inputs[${i}]`, 'must be a path string or an ObjectSource');
    }
    return input;
  });
}
