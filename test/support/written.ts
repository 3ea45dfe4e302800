/** A digest's bytes as `writeDigest` writes them (ranges formatted on the pool's workers, unlike `digestToString`). */
import { PassThrough } from 'node:stream';
import { type Digest, type DigestFormat, writeDigest } from '../../dist/index.js';

/** Everything `writeDigest(digest, sink, format)` writes, in one buffer. */
export async function writtenBytes(digest: Digest, format: DigestFormat): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeDigest(digest, out, format);
  out.end();
  return Buffer.concat(chunks);
}
