/**
 * An `s3://bucket[/prefix]` location (the service's digests or markers, the cluster's partials)
 * with its client, built lazily and shared by every request, and errors that name the key and
 * never a secret.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { S3Error } from '../../errors.js';
import { createS3Client, type S3ClientOptions } from './client.js';
import { parseS3Url } from './url.js';

export class S3Location {
  readonly bucket: string;
  /** '' or ending in `/`. */
  readonly prefix: string;
  readonly description: string;
  private clientPromise: Promise<S3Client> | undefined;

  constructor(
    url: string,
    private readonly options: S3ClientOptions & { client?: S3Client } = {},
  ) {
    const { bucket, key } = parseS3Url(url, 'prefix');
    this.bucket = bucket;
    this.prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    this.description = `s3://${bucket}/${this.prefix}`;
    if (options.client !== undefined) this.clientPromise = Promise.resolve(options.client);
  }

  client(): Promise<S3Client> {
    const { client: _given, ...clientOptions } = this.options;
    this.clientPromise ??= createS3Client(clientOptions);
    return this.clientPromise;
  }

  url(name: string): string {
    return `s3://${this.bucket}/${this.prefix}${name}`;
  }

  /** Destroy the client if this location built it. */
  async close(): Promise<void> {
    if (this.options.client === undefined && this.clientPromise !== undefined) (await this.clientPromise).destroy();
  }
}

/** True for "no such key" answers (GetObject's NoSuchKey, HeadObject's bare 404). */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** An S3 failure as an S3Error naming the operation and the object. */
export function s3Failure(op: string, url: string, err: unknown): S3Error {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return new S3Error(
    `${url}: ${op} failed: ${e?.name ?? 'Error'}${status !== undefined ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(err)}`,
    { key: url },
    { cause: err },
  );
}
