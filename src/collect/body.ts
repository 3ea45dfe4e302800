/**
 * The byte stream of an emitted object: records become gzip NDJSON, raw bytes pass through.
 * Either way the stream counts what it carries, and an error anywhere upstream (a source's
 * iterator throwing, a download breaking off) destroys it, so the destination never commits.
 */
import { PassThrough, pipeline, Readable, Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { toJsonLine } from './ndjson.js';
import type { EmittedObject, JsonValue, RawRecord } from './types.js';

/** The stream plus its counters (final once the stream has ended). */
export interface ObjectBody {
  stream: Readable;
  extension: string;
  contentType: string;
  counts: { records: number; bytes: number };
}

// Lines are batched into chunks of about this many characters before gzip.
const BATCH_CHARS = 64 * 1024;

async function* lines(
  records: Iterable<JsonValue | RawRecord> | AsyncIterable<JsonValue | RawRecord>,
  counts: { records: number },
): AsyncGenerator<Buffer> {
  let batch = '';
  for await (const record of records) {
    batch += `${toJsonLine(record)}\n`;
    counts.records++;
    if (batch.length >= BATCH_CHARS) {
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch !== '') yield Buffer.from(batch);
}

/** Build the body of `object`. */
export function objectBody(object: EmittedObject): ObjectBody {
  const counts = { records: 0, bytes: 0 };
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      counts.bytes += chunk.length;
      done(null, chunk);
    },
  });
  const noop = () => {};
  if (object.format === 'bytes') {
    const source = object.body instanceof Readable ? object.body : Readable.from(object.body, { objectMode: false });
    return {
      stream: pipeline(source, counter, noop),
      extension: object.extension,
      contentType: object.contentType ?? 'application/octet-stream',
      counts,
    };
  }
  const text = Readable.from(lines(object.records, counts), { objectMode: false });
  const stream = pipeline(text, createGzip(), counter, new PassThrough(), noop);
  return { stream, extension: 'ndjson.gz', contentType: 'application/gzip', counts };
}
