/**
 * Running a writer into a destination: the one place that pipes `write(out)` into a file, a
 * device or an upload, through gzip when asked, and gets the failure cases right.
 */
import { PassThrough, pipeline, type Readable, type Writable } from 'node:stream';
import { pipeline as pipelinePromise } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** Writes its output into `out` and resolves when it has written all of it; never ends `out`. */
export type Writer = (out: Writable) => Promise<void>;

/**
 * Where {@link pipeWriter} sends the bytes: a stream it pipes into and ends, or a consumer that
 * reads them as a stream and resolves once it has taken all of them (an S3 upload).
 */
export type WriterSink = Writable | ((body: Readable) => Promise<void>);

/** Options of {@link pipeWriter}. */
export interface PipeWriterOptions {
  /** Compress on the way to the sink. @default false */
  gzip?: boolean;
  /** Destroys the stream between writer and sink, so both fail; the caller maps the error. */
  signal?: AbortSignal;
}

// 256 KiB gzip output chunks: zlib's 16 KiB default costs many small writes on large digests.
const GZIP_CHUNK = 256 * 1024;
const BODY_HIGH_WATER = 1 << 20;

/**
 * Run `write` into `sink` (through gzip when asked) and resolve once the sink has every byte.
 *
 * Writer and sink race: when the sink fails first, this rejects at once with its error, because
 * a writer waiting for 'drain' would wait forever. When the writer fails first, the stream
 * between them is destroyed with its error, and this waits for the sink to settle (an upload
 * aborts its parts) before rejecting with the writer's error.
 */
export async function pipeWriter(write: Writer, sink: WriterSink, options: PipeWriterOptions = {}): Promise<void> {
  const { gzip = false, signal } = options;
  signal?.throwIfAborted();
  const body = new PassThrough({ highWaterMark: BODY_HIGH_WATER });
  // Its errors are ours (fail() below) and reach the caller through the promises; a consumer that
  // already gave up listens no more, and the event must not become an uncaught exception.
  body.on('error', () => {});
  let done: Promise<void>;
  if (typeof sink === 'function') {
    // The callback form destroys every stream of the chain when one fails, so an error in `body`
    // reaches the consumer's reader.
    done = sink(gzip ? pipeline(body, createGzip({ chunkSize: GZIP_CHUNK }), () => {}) : body);
  } else {
    done = gzip ? pipelinePromise(body, createGzip({ chunkSize: GZIP_CHUNK }), sink) : pipelinePromise(body, sink);
  }
  const fail = (err: unknown) => {
    if (!body.destroyed) body.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  const onAbort = () => fail(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  // Whichever loses the race settles later, handled.
  done.catch(() => {});
  try {
    const writing = write(body);
    writing.catch(() => {});
    await Promise.race([writing, done]);
    await writing;
    body.end();
    await done;
  } catch (err) {
    fail(err);
    await done.catch(() => {});
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
