/**
 * Runs inside a worker thread: inflate one object in 256 KiB pieces, scan it into a partial
 * digest table (the WebAssembly kernel takes the common lines), and hand the table back as one
 * transferred ArrayBuffer.
 */
import { createGunzip } from 'node:zlib';
import { Piscina } from 'piscina';
import { DigestTable, packTable } from '../digest/table.js';
import { CorruptObjectError, errorToData } from '../errors.js';
import { layoutFromFields } from '../format/layout.js';
import { Scanner } from '../format/scanner.js';
import { SeparatorIndex } from '../format/separators.js';
import { WasmKernel } from '../format/wasm-kernel.js';
import { INFLATE_CHUNK, isGzip } from '../sources/gunzip.js';
import { inflateSync } from './inflate-sync.js';
import type { ScanReply, ScanTask, ScanTrailer } from './protocol.js';

// One table, separator index and kernel per worker, reset between objects: their arrays keep
// the size they grew to, so an object neither regrows them nor leaves them behind as garbage.
// Safe because a worker runs one task at a time and the table is packed before the task returns.
const partial = new DigestTable(16384);
const index = new SeparatorIndex(256 * 1024);
const kernel = WasmKernel.load();

export default async function scanObject(task: ScanTask): Promise<ScanReply> {
  try {
    const table = partial.clear();
    const scanner = new Scanner(table, {
      key: task.key,
      strict: task.strict,
      maxSamples: task.maxSamples,
      filter: {
        windowStart: task.windowStart,
        windowEnd: task.windowEnd,
        accounts: task.accounts ? new Set(task.accounts) : undefined,
        regions: task.regions ? new Set(task.regions) : undefined,
      },
      layout: task.fields ? layoutFromFields(task.fields) : undefined,
      firstLine: task.firstLine,
      index,
      kernel,
    });
    const bytes = new Uint8Array(task.data);
    let inflatedBytes = bytes.length;
    if (isGzip(bytes)) inflatedBytes = await inflateInto(bytes, scanner, task.key, task.inflateOnThread ?? true);
    else scanner.push(bytes);
    scanner.end();
    const trailer: ScanTrailer = { counters: scanner.counters, inflatedBytes };
    return Piscina.move(packTable(table, Buffer.from(JSON.stringify(trailer)))) as unknown as ArrayBuffer;
  } catch (err) {
    return { error: errorToData(err) };
  }
}

/** One inflate output buffer per worker, reused for every object. */
const inflated = Buffer.allocUnsafe(INFLATE_CHUNK);

async function inflateInto(bytes: Uint8Array, scanner: Scanner, key: string, onThread: boolean): Promise<number> {
  let total = 0;
  try {
    if (onThread && inflateSync(bytes, inflated, (piece) => { total += piece.length; scanner.push(piece); })) return total;
    // Asked for the stream (idle cores to inflate on), or no synchronous handle here.
    const gunzip = createGunzip({ chunkSize: INFLATE_CHUNK });
    gunzip.end(bytes);
    try {
      for await (const chunk of gunzip) {
        total += (chunk as Buffer).length;
        scanner.push(chunk as Buffer);
      }
    } finally {
      gunzip.destroy();
    }
  } catch (err) {
    // Only zlib's own failures mean a bad object; anything else is ours and must say so.
    if (isZlibError(err)) throw new CorruptObjectError(key, (err as Error).message, { cause: err });
    throw err;
  }
  return total;
}

function isZlibError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code === 'ERR_BUFFER_TOO_LARGE');
}
