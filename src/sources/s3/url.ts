/**
 * `s3://bucket[/key]` URLs: recognised, parsed and validated before any request is sent, with
 * errors that quote the URL and say what is wrong with it.
 */
import { InvalidOptionError } from '../../errors.js';
import { S3_URL } from '../../util/patterns.js';

/** A parsed S3 URL. `key` is a prefix for inputs and an object key for outputs; '' when absent. */
export interface S3Url {
  bucket: string;
  key: string;
}

/** True for strings meant as S3 URLs (any case of the scheme, so `S3://x` gets a clear error rather than being read as a local path). */
export function isS3Url(value: string): boolean {
  return S3_URL.test(value);
}

/** `s3://bucket/key` for messages and object references. */
export function formatS3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

const MAX_KEY_BYTES = 1024;
// General-purpose bucket naming rules (S3 User Guide, "Bucket naming rules").
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
// Control characters are legal in S3 keys but cannot travel in ListObjectsV2's XML unencoded and
// are almost always a quoting mistake on a command line.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Parse and validate an S3 URL.
 * @param kind `prefix` for inputs (the key part may be empty), `object` for outputs (a key is required).
 * @throws InvalidOptionError naming the URL and the rule it breaks.
 */
export function parseS3Url(url: string, kind: 'prefix' | 'object'): S3Url {
  const bad = (why: string): never => {
    throw new InvalidOptionError('', `is not a valid S3 URL: ${why}`, url);
  };
  if (typeof url !== 'string') bad('not a string');
  if (!url.startsWith('s3://')) bad('it must start with s3:// (lowercase)');
  const rest = url.slice(5);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  if (bucket === '') bad('no bucket name');
  if (!BUCKET.test(bucket))
    bad(
      `bucket name '${bucket}' must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit`,
    );
  if (bucket.includes('..')) bad(`bucket name '${bucket}' must not contain '..'`);
  if (IPV4.test(bucket)) bad(`bucket name '${bucket}' must not look like an IP address`);
  if (CONTROL.test(key)) bad('the key contains a control character');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) bad(`the key is longer than ${MAX_KEY_BYTES} bytes`);
  if (kind === 'object') {
    if (key === '') bad('no object key (expected s3://bucket/key)');
    if (key.endsWith('/')) bad('the object key ends with / (that names a folder, not an object)');
  }
  return { bucket, key };
}
