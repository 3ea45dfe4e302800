/** Streaming writers for digests: flow-log text or NDJSON, with backpressure. */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { InvalidOptionError } from '../errors.js';
import type { Digest } from './digest.js';

/** Output formats of a digest. `text` is a valid v2 flow-log file; `ndjson` adds record counts and stats. */
export type DigestFormat = 'text' | 'ndjson';

export const DIGEST_FORMATS: readonly DigestFormat[] = ['text', 'ndjson'];

/** Write `digest` to `out` in `format`, honouring backpressure. Does not end `out`. */
export async function writeDigest(digest: Digest, out: Writable, format: DigestFormat = 'text'): Promise<void> {
  for (const chunk of chunks(digest, format)) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/** The whole digest as one string (small digests, tests). */
export function digestToString(digest: Digest, format: DigestFormat = 'text'): string {
  return Buffer.concat([...chunks(digest, format)]).toString('utf8');
}

function* chunks(digest: Digest, format: DigestFormat): IterableIterator<Buffer> {
  if (format === 'text') {
    // latin1 strings carry the original bytes one char per byte.
    for (const c of digest.textChunks()) yield Buffer.from(c, 'latin1');
  } else if (format === 'ndjson') {
    let batch = '';
    for (const line of digest.ndjsonLines()) {
      batch += line;
      if (batch.length >= 65536) { yield Buffer.from(batch, 'utf8'); batch = ''; }
    }
    if (batch.length > 0) yield Buffer.from(batch, 'utf8');
  } else {
    throw new InvalidOptionError('format', `must be one of ${DIGEST_FORMATS.join(', ')}`);
  }
}
