/** Streaming writers for digests: flow-log text or NDJSON, with backpressure. */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { InvalidOptionError } from '../errors.js';
import type { Digest } from './digest.js';
import type { DigestFormat } from './format.js';

export type { DigestFormat } from './format.js';

export const DIGEST_FORMATS: readonly DigestFormat[] = ['text', 'ndjson'];

/**
 * Write `digest` to `out` in `format`, honouring backpressure. Does not end `out`. A digest
 * from the engine is formatted range by range on its workers (while the digester is open), a
 * few ranges ahead of `out`, so the whole output is never held in memory.
 */
export async function writeDigest(digest: Digest, out: Writable, format: DigestFormat = 'text'): Promise<void> {
  checkFormat(format);
  for await (const chunk of digest.chunksAsync(format)) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
}

/** The whole digest as one string (small digests, tests). */
export function digestToString(digest: Digest, format: DigestFormat = 'text'): string {
  checkFormat(format);
  return Buffer.concat([...digest.byteChunks(format)]).toString('utf8');
}

function checkFormat(format: DigestFormat): void {
  if (!DIGEST_FORMATS.includes(format)) throw new InvalidOptionError('format', `must be one of ${DIGEST_FORMATS.join(', ')}`);
}
