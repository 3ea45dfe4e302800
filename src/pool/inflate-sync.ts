/**
 * Inflate a whole gzip object on this thread, into one reused output buffer, handing each filled
 * piece to `sink` before the buffer is reused.
 *
 * Why not the zlib stream: it inflates on libuv's thread pool (one more thread competing for the
 * same cores) and allocates a fresh buffer for every output chunk, so each worker carried tens of
 * megabytes of dead chunks between collections. This drives the same native handle Node's own
 * synchronous zlib functions drive (`_handle.writeSync`, results in `_writeState`); where that
 * handle is not there, it reports `false` and the caller uses the stream.
 */
import { constants, createGunzip } from 'node:zlib';

interface ZlibInternals {
  _handle?: {
    writeSync?: (
      flush: number,
      input: Uint8Array,
      inOff: number,
      inLen: number,
      out: Uint8Array,
      outOff: number,
      outLen: number,
    ) => void;
  };
  _writeState?: Uint32Array;
}

/** Inflate `input` (one or more gzip members) into `out`-sized pieces. False if unsupported here. */
export function inflateSync(input: Uint8Array, out: Buffer, sink: (piece: Buffer) => void): boolean {
  const gunzip = createGunzip({ chunkSize: out.length });
  const z = gunzip as unknown as ZlibInternals;
  const handle = z._handle,
    state = z._writeState;
  if (typeof handle?.writeSync !== 'function' || !(state instanceof Uint32Array)) {
    gunzip.close();
    return false;
  }
  // A bad stream makes the handle destroy the stream synchronously (with the error in
  // `errored`); the 'error' event itself follows on the next tick, and is expected.
  gunzip.on('error', () => {});
  try {
    let inOff = 0,
      inLen = input.length;
    for (;;) {
      handle.writeSync(constants.Z_FINISH, input, inOff, inLen, out, 0, out.length);
      if (gunzip.destroyed) throw gunzip.errored ?? new Error('zlib stream failed');
      const availOut = state[0],
        availIn = state[1];
      const produced = out.length - availOut;
      if (produced > 0) sink(out.subarray(0, produced));
      inOff += inLen - availIn;
      inLen = availIn;
      // Room left in the output means zlib consumed all it could: the stream is complete.
      if (availOut !== 0) break;
    }
  } finally {
    gunzip.close();
  }
  return true;
}
