/** Streaming writers for digests: flow-log text or NDJSON, with backpressure. */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { InvalidOptionError } from '../errors.js';
import type { Digest } from './digest.js';
import type { RowFormat } from './format.js';
import { partialChunksAsync } from './partial.js';

/**
 * Output formats of a digest. `text` is a valid v2 flow-log file; `ndjson` adds record counts and
 * stats; `partial` is the compact binary form that `merge` reads back (see partial.ts).
 */
export type DigestFormat = RowFormat | 'partial';

export const DIGEST_FORMATS: readonly DigestFormat[] = ['text', 'ndjson', 'partial'];

/**
 * Write `digest` to `out` in `format`, honouring backpressure. Does not end `out`. A digest
 * from the engine is formatted range by range on its workers (while the digester is open), a
 * few ranges ahead of `out`, so the whole output is never held in memory.
 */
export async function writeDigest(digest: Digest, out: Writable, format: DigestFormat = 'text'): Promise<void> {
  checkFormat(format);
  const chunks = format === 'partial' ? partialChunksAsync(digest) : digest.chunksAsync(format);
  for await (const chunk of chunks) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/** The whole digest as one string (small digests, tests): text or NDJSON. */
export function digestToString(digest: Digest, format: RowFormat = 'text'): string {
  if (format !== 'text' && format !== 'ndjson') throw new InvalidOptionError('format', 'must be text or ndjson');
  return Buffer.concat([...digest.byteChunks(format)]).toString('utf8');
}

function checkFormat(format: DigestFormat): void {
  if (!DIGEST_FORMATS.includes(format))
    throw new InvalidOptionError('format', `must be one of ${DIGEST_FORMATS.join(', ')}`);
}
