/**
 * An S3 bucket (or S3-compatible store) as a destination. Objects go up with lib-storage's
 * `Upload`: a body that fails, or a signal that aborts, makes it abort the multipart upload
 * (a single part is never sent), so no partial object is ever visible. The endpoint and
 * credentials come from the options and the SDK's chains (`AWS_ENDPOINT_URL_S3`, ...), never
 * from this module's own configuration.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { AbortError, InvalidOptionError, S3Error } from '../../errors.js';
import { createS3Client, type S3ClientOptions, validateS3ClientOptions } from '../../sources/s3/client.js';
import { formatS3Url, parseS3Url } from '../../sources/s3/url.js';
import type { Destination, PutOptions } from '../types.js';
import { checkPrefix } from './prefix.js';
import { checkInteger, sizeReason } from '../../util/parse.js';

/** Options of {@link s3Destination}. */
export interface S3DestinationOptions extends S3ClientOptions {
  bucket: string;
  /** Key prefix, e.g. `slack/`. @default '' */
  prefix?: string;
  /** A ready client to use (and leave open) instead of one built from the other options. */
  client?: S3Client;
  /** Bytes per part; S3's minimum is 5 MiB. @default 8 MiB */
  partSize?: number;
}

const PART_SIZE = 8 * 1024 * 1024;

/** Objects in `s3://bucket/prefix`. */
export function s3Destination(options: S3DestinationOptions): Destination {
  if (options === null || typeof options !== 'object')
    throw new InvalidOptionError('s3Destination', 'takes { bucket, prefix? }');
  const { bucket, prefix: rawPrefix, client: given, partSize = PART_SIZE, ...clientOptions } = options;
  parseS3Url(`s3://${bucket}`, 'prefix'); // validates the bucket name
  const prefix = checkPrefix(rawPrefix, 's3Destination.prefix');
  validateS3ClientOptions(clientOptions, 's3Destination');
  checkInteger('s3Destination.partSize', partSize, { min: 5 * 1024 * 1024 }, PART_SIZE, sizeReason);
  let client: Promise<S3Client> | undefined = given ? Promise.resolve(given) : undefined;
  const getClient = () => (client ??= createS3Client(clientOptions));
  const url = (name: string) => formatS3Url(bucket, `${prefix}${name}`);
  const failure = (what: string, name: string, err: unknown) =>
    new S3Error(
      `${url(name)}: ${what} failed: ${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)}`,
      { key: url(name) },
      { cause: err },
    );

  return {
    location: formatS3Url(bucket, prefix),
    async put(name: string, body: Readable, { signal, contentType }: PutOptions) {
      const [s3, { Upload }] = await Promise.all([getClient(), import('@aws-sdk/lib-storage')]).catch(
        (err: unknown) => {
          body.destroy();
          throw failure('upload', name, err);
        },
      );
      if (signal.aborted) {
        body.destroy();
        throw new AbortError(signal.reason);
      }
      const upload = new Upload({
        client: s3,
        params: { Bucket: bucket, Key: `${prefix}${name}`, Body: body, ContentType: contentType },
        partSize,
        queueSize: 4,
        leavePartsOnError: false,
      });
      // Fail the body rather than calling upload.abort(): done() then waits for the multipart
      // upload's abort instead of settling before it.
      let bodyError: unknown;
      const onBodyError = (err: unknown) => {
        bodyError ??= err;
      };
      body.once('error', onBodyError);
      const onAbort = () => body.destroy(new AbortError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await upload.done();
      } catch (err) {
        if (!body.destroyed) body.destroy();
        if (signal.aborted) throw new AbortError(signal.reason);
        if (bodyError !== undefined) throw bodyError;
        throw failure('upload', name, err);
      } finally {
        signal.removeEventListener('abort', onAbort);
        body.off('error', onBodyError);
      }
    },
    async get(name: string, { signal }) {
      const s3 = await getClient();
      const { GetObjectCommand } = await import('@aws-sdk/client-s3');
      try {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}${name}` }), {
          abortSignal: signal,
        });
        return Buffer.from(await out.Body!.transformToByteArray());
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw failure('read', name, err);
      }
    },
    async list(namePrefix: string, { signal }) {
      const s3 = await getClient();
      const { paginateListObjectsV2 } = await import('@aws-sdk/client-s3');
      const names: string[] = [];
      try {
        for await (const page of paginateListObjectsV2(
          { client: s3 },
          { Bucket: bucket, Prefix: `${prefix}${namePrefix}` },
          { abortSignal: signal },
        )) {
          for (const o of page.Contents ?? []) if (o.Key) names.push(o.Key.slice(prefix.length));
        }
      } catch (err) {
        throw failure('listing', namePrefix, err);
      }
      return names;
    },
    async delete(name: string, { signal }) {
      const s3 = await getClient();
      const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
      await s3
        .send(new DeleteObjectCommand({ Bucket: bucket, Key: `${prefix}${name}` }), { abortSignal: signal })
        .catch((err: unknown) => {
          throw failure('delete', name, err);
        });
    },
    async close() {
      if (given !== undefined || client === undefined) return;
      const c = client;
      client = undefined;
      (await c).destroy();
    },
  };
}
