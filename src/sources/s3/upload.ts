/**
 * Write an object to S3 with lib-storage's `Upload`, streaming, gzip-compressed when the key
 * ends in `.gz`. All or nothing: when the writer fails, the signal aborts or a request fails, the
 * body stream is destroyed, `Upload` aborts its multipart upload (a single-part upload is never
 * sent), and no object — partial or otherwise — appears under the key.
 *
 * Memory: at most `queueSize × partSize` bytes are buffered (4 × 8 MiB).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable, Writable } from 'node:stream';
import { AbortError, FlowdigestError, S3Error } from '../../errors.js';
import { createS3Client, type S3ClientOptions } from './client.js';
import { pipeWriter } from '../../util/pipe.js';
import { parseS3Url } from './url.js';

/** Options of {@link uploadToS3}. */
export interface S3UploadOptions extends S3ClientOptions {
  /** Cancels the upload; it rejects with an AbortError and leaves no object. */
  signal?: AbortSignal;
  /** `Content-Type` of the object. @default `application/gzip` for `.gz` keys, else `text/plain; charset=utf-8` */
  contentType?: string;
  /** Bytes per part; S3's minimum is 5 MiB. @default 8 MiB */
  partSize?: number;
  /** A ready client to use (and leave open) instead of one built from the other options. */
  client?: S3Client;
}

const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;

/**
 * Upload what `write` writes to `url` (`s3://bucket/key`). The object exists once this resolves
 * and never if it rejects. `write` must not end the stream.
 */
export async function uploadToS3(
  url: string,
  write: (out: Writable) => Promise<void>,
  options: S3UploadOptions = {},
): Promise<void> {
  const { bucket, key } = parseS3Url(url, 'object');
  const { signal, contentType, partSize = PART_SIZE, client: given, ...clientOptions } = options;
  signal?.throwIfAborted();
  const [client, { Upload }] = await Promise.all([
    given ?? createS3Client(clientOptions),
    import('@aws-sdk/lib-storage'),
  ]);

  const gzip = key.endsWith('.gz');
  // A failed body, not upload.abort(), stops the upload: abort() settles done() at once, before
  // the multipart upload is aborted; a failed body makes done() wait for that cleanup, and
  // pipeWriter waits for done() before it rejects.
  const send = (body: Readable) =>
    new Upload({
      client,
      params: {
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: contentType ?? (gzip ? 'application/gzip' : 'text/plain; charset=utf-8'),
      },
      partSize,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    })
      .done()
      .then(() => {});
  let writeError: unknown;
  const writer = (out: Writable) =>
    write(out).catch((err: unknown) => {
      writeError = err;
      throw err;
    });
  try {
    await pipeWriter(writer, send, { gzip, signal });
  } catch (err) {
    if (signal?.aborted) throw new AbortError(signal.reason);
    if (writeError !== undefined) throw writeError;
    if (err instanceof FlowdigestError) throw err;
    throw new S3Error(
      `${url}: upload failed: ${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`,
      { key: url },
      { cause: err },
    );
  }
}
