/** Markers as objects `{prefix}{id}_in_progress` (the Go service's name) in an S3 bucket. */
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientOptions } from '../../sources/s3/client.js';
import { ID_PATTERN } from '../ids.js';
import { isNotFound, s3Failure, S3Location } from '../../sources/s3/location.js';
import { assertId, MARKER_SUFFIX } from '../storage/names.js';
import type { Marker, MarkerRecord } from './types.js';
import { decodeMarker, encodeMarker } from './record.js';

export class S3Marker implements Marker {
  readonly description: string;
  private readonly at: S3Location;

  constructor(url: string, options: S3ClientOptions & { client?: S3Client } = {}) {
    this.at = new S3Location(url, options);
    this.description = this.at.description;
  }

  private key(id: string): string {
    return `${this.at.prefix}${assertId(id)}${MARKER_SUFFIX}`;
  }

  async get(id: string): Promise<MarkerRecord | undefined> {
    const key = this.key(id);
    const [client, { GetObjectCommand }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: this.at.bucket, Key: key }));
      const chunks: Buffer[] = [];
      for await (const chunk of out.Body as Readable) chunks.push(chunk as Buffer);
      return decodeMarker(id, Buffer.concat(chunks).toString('utf8'), out.LastModified?.getTime() ?? 0);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw s3Failure('GetObject', `s3://${this.at.bucket}/${key}`, err);
    }
  }

  async set(record: MarkerRecord): Promise<void> {
    const key = this.key(record.id);
    const [client, { PutObjectCommand }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    const body = Buffer.from(encodeMarker(record));
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: this.at.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: 'application/json',
        }),
      );
    } catch (err) {
      throw s3Failure('PutObject', `s3://${this.at.bucket}/${key}`, err);
    }
  }

  async clear(id: string): Promise<void> {
    const key = this.key(id);
    const [client, { DeleteObjectCommand }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    try {
      await client.send(new DeleteObjectCommand({ Bucket: this.at.bucket, Key: key }));
    } catch (err) {
      if (!isNotFound(err)) throw s3Failure('DeleteObject', `s3://${this.at.bucket}/${key}`, err);
    }
  }

  async *list(): AsyncIterable<MarkerRecord> {
    const [client, { paginateListObjectsV2 }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    try {
      for await (const page of paginateListObjectsV2(
        { client, pageSize: 1000 },
        { Bucket: this.at.bucket, Prefix: this.at.prefix },
      )) {
        for (const o of page.Contents ?? []) {
          const name = (o.Key ?? '').slice(this.at.prefix.length);
          if (!name.endsWith(MARKER_SUFFIX)) continue;
          const id = name.slice(0, -MARKER_SUFFIX.length);
          if (!ID_PATTERN.test(id)) continue;
          const record = await this.get(id);
          if (record !== undefined) yield record;
        }
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'FD_ERR_S3') throw err;
      throw s3Failure('ListObjectsV2', this.at.description, err);
    }
  }

  close(): Promise<void> {
    return this.at.close();
  }
}
