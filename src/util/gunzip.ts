/** gzip detection by magic bytes, and inflating streams that start with them. */
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Inflate output chunk size: at 16 KiB (zlib's default) gunzip runs ~3x slower (reference.md §6). */
export const INFLATE_CHUNK = 256 * 1024;

/** True when `b` starts with gzip's magic bytes 1f 8b. */
export function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** The first bytes `stream` gives (put back unread), or null if it is empty. */
export function peek(stream: Readable): Promise<Buffer | null> {
  // A stream that already ended (an empty one peeked before) emits no second 'end'.
  if (stream.readableEnded) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const onReadable = () => {
      const b = stream.read() as Buffer | null;
      if (b !== null) {
        cleanup();
        stream.unshift(b);
        resolve(b);
      }
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/** `stream`, inflated if it starts with gzip's magic bytes. Errors of the source reach the result. */
export async function inflateIfGzip(stream: Readable): Promise<Readable> {
  const first = await peek(stream);
  if (first === null || !isGzip(first)) return stream;
  const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK });
  stream.on('error', (e) => gunzip.destroy(e));
  return stream.pipe(gunzip);
}
