/**
 * Digests in S3 under `s3://bucket[/prefix]`, named as on disk (see ./fs.ts). Bodies go up
 * through lib-storage's Upload, which creates the object only once the body is complete and
 * aborts its multipart upload on failure. The text body is uploaded last: its presence is the
 * commit, so an interrupted digest is invisible and is simply made again.
 */
import type { Readable, Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientOptions } from '../../sources/s3/client.js';
import { uploadToS3 } from '../../sources/s3/upload.js';
import { isNotFound, s3Failure, S3Location } from '../../sources/s3/location.js';
import type { DigestMeta, Storage, StoredBody, StoredKind } from './types.js';
import { ID_PATTERN } from '../ids.js';
import { assertId, BODY_SUFFIX, META_SUFFIX } from './names.js';

/** Storage in an S3 bucket (or any S3-compatible store). */
export class S3Storage implements Storage {
  readonly description: string;
  private readonly at: S3Location;

  constructor(url: string, options: S3ClientOptions & { client?: S3Client } = {}) {
    this.at = new S3Location(url, options);
    this.description = this.at.description;
  }

  private key(id: string, suffix: string): string {
    return `${this.at.prefix}${assertId(id)}${suffix}`;
  }

  async has(id: string): Promise<boolean> {
    const key = this.key(id, BODY_SUFFIX.text);
    const [client, { HeadObjectCommand }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    try {
      await client.send(new HeadObjectCommand({ Bucket: this.at.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw s3Failure('HeadObject', `s3://${this.at.bucket}/${key}`, err);
    }
  }

  async put(
    meta: DigestMeta,
    write: (kind: StoredKind, out: Writable) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    const [client, { PutObjectCommand }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    const upload = (kind: StoredKind) =>
      uploadToS3(this.at.url(`${assertId(meta.id)}${BODY_SUFFIX[kind]}`), (out) => write(kind, out), {
        client,
        signal,
      });
    await upload('ndjson');
    const body = Buffer.from(`${JSON.stringify(meta)}\n`);
    const key = this.key(meta.id, META_SUFFIX);
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: this.at.bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: 'application/json',
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      throw s3Failure('PutObject', `s3://${this.at.bucket}/${key}`, err);
    }
    await upload('text');
  }

  async open(id: string, kind: StoredKind): Promise<StoredBody | undefined> {
    // The text body is the commit; the NDJSON one may be a leftover of an interrupted run.
    if (kind !== 'text' && !(await this.has(id))) return undefined;
    const out = await this.get(this.key(id, BODY_SUFFIX[kind]));
    if (out === undefined) return undefined;
    return { body: out.body, ...(out.size === undefined ? {} : { size: out.size }), encoding: 'gzip' };
  }

  async meta(id: string): Promise<DigestMeta | undefined> {
    if (!(await this.has(id))) return undefined;
    const out = await this.get(this.key(id, META_SUFFIX));
    if (out === undefined) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of out.body) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as DigestMeta;
  }

  async *list(): AsyncIterable<DigestMeta> {
    const [client, { paginateListObjectsV2 }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    const ids: string[] = [];
    try {
      for await (const page of paginateListObjectsV2(
        { client, pageSize: 1000 },
        { Bucket: this.at.bucket, Prefix: this.at.prefix },
      )) {
        for (const o of page.Contents ?? []) {
          const name = (o.Key ?? '').slice(this.at.prefix.length);
          if (name.endsWith(META_SUFFIX) && ID_PATTERN.test(name.slice(0, -META_SUFFIX.length)))
            ids.push(name.slice(0, -META_SUFFIX.length));
        }
      }
    } catch (err) {
      throw s3Failure('ListObjectsV2', this.at.description, err);
    }
    for (const id of ids) {
      const meta = await this.meta(id);
      if (meta !== undefined) yield meta;
    }
  }

  async delete(id: string): Promise<void> {
    const [client, { DeleteObjectCommand }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    // The text body (the commit) first: a reader sees the whole digest or none.
    for (const suffix of [BODY_SUFFIX.text, META_SUFFIX, BODY_SUFFIX.ndjson]) {
      const key = this.key(id, suffix);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: this.at.bucket, Key: key }));
      } catch (err) {
        if (!isNotFound(err)) throw s3Failure('DeleteObject', `s3://${this.at.bucket}/${key}`, err);
      }
    }
  }

  private async get(key: string): Promise<{ body: Readable; size?: number } | undefined> {
    const [client, { GetObjectCommand }] = await Promise.all([this.at.client(), import('@aws-sdk/client-s3')]);
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: this.at.bucket, Key: key }));
      return { body: out.Body as Readable, ...(out.ContentLength === undefined ? {} : { size: out.ContentLength }) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw s3Failure('GetObject', `s3://${this.at.bucket}/${key}`, err);
    }
  }

  /** Close the S3 client this storage built. */
  close(): Promise<void> {
    return this.at.close();
  }
}
