// Uploads to s3:// are all or nothing: a writer that fails or a signal that aborts mid-way
// leaves no object (the multipart upload is aborted; a single part is never sent).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { gunzipSync } from 'node:zlib';
import { AbortError, createS3Client, InvalidOptionError, S3Error, uploadToS3 } from '../dist/index.js';
import { type LatencyProxy, startLatencyProxy } from './support/latency-proxy.js';
import { startS3rver, type S3rverHandle } from './support/s3rver.js';

const BUCKET = 'uploads';
let s3: S3rverHandle;
let proxy: LatencyProxy;
let client: S3Client;
// Through a recording proxy, so tests can see which requests were made.
const opts = () => ({ endpoint: proxy.endpoint, forcePathStyle: true, partSize: 5 * 1024 * 1024 });

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  proxy = await startLatencyProxy(s3.endpoint);
  client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
});
afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await s3?.stop();
});

const MB = Buffer.alloc(1024 * 1024, 'flow record line\n');
async function writeMB(out: Writable, n: number): Promise<void> {
  for (let i = 0; i < n; i++) if (!out.write(MB)) await once(out, 'drain');
}
const exists = (key: string) =>
  client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
    () => true,
    (e: { name: string }) => {
      if (e.name === 'NotFound') return false;
      throw e;
    },
  );

it('uploads in parts and gzips a .gz key', async () => {
  await uploadToS3(`s3://${BUCKET}/digests/big.log.gz`, (out) => writeMB(out, 12), opts());
  const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digests/big.log.gz' }));
  expect(got.ContentType).toBe('application/gzip');
  const text = gunzipSync(await got.Body!.transformToByteArray());
  expect(text.length).toBe(12 * MB.length);
  expect(text.subarray(0, 17).toString()).toBe('flow record line\n');
  await uploadToS3(
    `s3://${BUCKET}/digests/small.log`,
    async (out) => {
      out.write('hello\n');
    },
    opts(),
  );
  const small = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'digests/small.log' }));
  expect(await small.Body!.transformToString()).toBe('hello\n');
});

it('a writer failing after several parts leaves no object and aborts the multipart upload', async () => {
  const key = 'digests/failed.log';
  const seen = proxy.requests.length;
  const boom = new Error('disk on fire');
  const err = await uploadToS3(
    `s3://${BUCKET}/${key}`,
    async (out) => {
      await writeMB(out, 12);
      throw boom;
    },
    opts(),
  ).catch((e: unknown) => e);
  expect(err).toBe(boom);
  expect(await exists(key)).toBe(false);
  const requests = proxy.requests.slice(seen);
  expect(requests.some((r) => r.startsWith(`PUT /${BUCKET}/${key}?`) && r.includes('partNumber='))).toBe(true);
  expect(requests.some((r) => r.startsWith(`DELETE /${BUCKET}/${key}?uploadId=`))).toBe(true);
  expect(requests.some((r) => r.startsWith(`POST /${BUCKET}/${key}?uploadId=`))).toBe(false); // never completed
});

it('an abort mid-way rejects with AbortError and leaves no object', async () => {
  const key = 'digests/aborted.log.gz';
  const controller = new AbortController();
  const err = await uploadToS3(
    `s3://${BUCKET}/${key}`,
    async (out) => {
      await writeMB(out, 8);
      controller.abort(new Error('interrupted'));
      await writeMB(out, 8);
    },
    { ...opts(), signal: controller.signal },
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AbortError);
  expect(await exists(key)).toBe(false);
});

it('a failure before the first part is complete sends nothing at all', async () => {
  const key = 'digests/tiny.log';
  const seen = proxy.requests.length;
  await expect(
    uploadToS3(
      `s3://${BUCKET}/${key}`,
      async (out) => {
        out.write('partial');
        throw new Error('no');
      },
      opts(),
    ),
  ).rejects.toThrow('no');
  expect(proxy.requests.slice(seen).filter((r) => r.includes(key))).toEqual([]);
  expect(await exists(key)).toBe(false);
});

it('names the URL when the upload itself fails, and rejects bad URLs before sending', async () => {
  const err = await uploadToS3(
    's3://no-such-bucket/x.log',
    async (out) => {
      out.write('x');
    },
    opts(),
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(S3Error);
  expect((err as Error).message).toMatch(/^s3:\/\/no-such-bucket\/x\.log: upload failed: NoSuchBucket/);
  await expect(uploadToS3('s3://uploads/dir/', async () => {}, opts())).rejects.toBeInstanceOf(InvalidOptionError);
});
