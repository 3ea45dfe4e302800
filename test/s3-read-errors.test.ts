// Reading from S3 when things go wrong: every failure names s3://bucket/key and has a code;
// transient failures are retried; an abort stops downloads in flight.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AbortError,
  CorruptObjectError,
  createDigester,
  createS3Client,
  type Digester,
  digestToString,
  InputError,
  type ObjectRef,
  type ObjectSource,
  S3Error,
  S3Source,
} from '../dist/index.js';
import { generateFixture } from '../fixtures/generate.js';
import { startLatencyProxy } from './support/latency-proxy.js';
import { putTree, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { tempDir } from './support/tmp.js';

const BUCKET = 'read-errors';
const dir = tempDir('flowdigest-s3-errors-');
let s3: S3rverHandle;
let digester: Digester;
let keys: string[];
const opts = (endpoint = s3.endpoint) => ({ endpoint, forcePathStyle: true });
const noSelection = { signal: new AbortController().signal, skip: () => {} };

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  digester = createDigester({ threads: 1, s3: opts() });
  await generateFixture({ size: 400_000, objects: 4, seed: 5, conversations: 100, format: 'default', out: dir });
  const client = await createS3Client(opts());
  for (const prefix of ['gone/', 'ok/']) keys = await putTree(client, BUCKET, prefix, dir);
  // A valid name whose gzip stream stops short.
  const whole = await readFile(join(dir, keys[0].slice('ok/'.length)));
  await client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: keys[0].replace('ok/', 'truncated/'),
      Body: whole.subarray(0, whole.length - 200),
    }),
  );
  client.destroy();
});
afterAll(async () => {
  await digester?.close();
  await s3?.stop();
});

describe('a key that disappears between list and get', () => {
  it('fails the run with an InputError naming it, or is skipped with skipBadObjects', async () => {
    const source = new S3Source(`s3://${BUCKET}/gone/`, opts());
    const refs: ObjectRef[] = [];
    for await (const ref of source.list(noSelection)) refs.push(ref);
    expect(refs).toHaveLength(4);
    const client = await createS3Client(opts());
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: refs[1].key.slice(`s3://${BUCKET}/`.length) }));
    client.destroy();
    // Replays the listing taken before the delete.
    const stale: ObjectSource = {
      description: source.description,
      list: async function* () {
        yield* refs;
      },
      read: (r, s) => source.read(r, s),
    };

    const err = await digester.digest([stale]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ code: 'FD_ERR_INPUT', key: refs[1].key });
    expect((err as Error).message).toBe(`${refs[1].key}: no such key (deleted or renamed after it was listed?)`);

    const skipped = await digester.digest([stale], { skipBadObjects: true });
    expect(skipped.stats.objects).toBe(3);
    expect(skipped.stats.skippedObjects).toEqual([{ key: refs[1].key, reason: (err as Error).message }]);
  });
});

it('a truncated gzip object is a CorruptObjectError naming s3://bucket/key', async () => {
  const url = `s3://${BUCKET}/${keys[0].replace('ok/', 'truncated/')}`;
  // A plain s3:// string: the digester's S3 options reach it.
  const e = await digester.digest([`s3://${BUCKET}/truncated/`]).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(CorruptObjectError);
  expect(e).toMatchObject({ code: 'FD_ERR_CORRUPT_OBJECT', key: url });
  expect((e as Error).message).toMatch(new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt object`));
  const d = await digester.digest([`s3://${BUCKET}/truncated/`], { skipBadObjects: true });
  expect(d.stats.skippedObjects.map((o) => o.key)).toEqual([url]);
});

it('a missing bucket is an S3Error naming the URL', async () => {
  const err = await digester.digest([new S3Source('s3://no-such-bucket/logs/', opts())]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(S3Error);
  expect(err).toMatchObject({ code: 'FD_ERR_S3' });
  expect((err as Error).message).toMatch(/^s3:\/\/no-such-bucket\/logs\/: cannot list: no such bucket$/);
});

it('retries throttled requests and bodies cut off mid-way, and ends with the same digest', async () => {
  const expected = digestToString(await digester.digest([new S3Source(`s3://${BUCKET}/ok/`, opts())]));
  const proxy = await startLatencyProxy(s3.endpoint, { throttleGets: 2, cutBodies: 2 });
  try {
    const d = await digester.digest([new S3Source(`s3://${BUCKET}/ok/`, { ...opts(proxy.endpoint), maxAttempts: 4 })]);
    expect(digestToString(d)).toBe(expected);
    // 4 objects, 2 throttled answers, 2 cut bodies: 8 GETs.
    expect(proxy.requests.filter((r) => r.startsWith('GET') && !r.includes('list-type'))).toHaveLength(8);
  } finally {
    await proxy.close();
  }
});

it('an abort during a download rejects at once with AbortError and closes the connection', async () => {
  const proxy = await startLatencyProxy(s3.endpoint, { stallBodyAfter: 1000 });
  try {
    const controller = new AbortController();
    const run = digester.digest([new S3Source(`s3://${BUCKET}/ok/`, opts(proxy.endpoint))], {
      signal: controller.signal,
    });
    run.catch(() => {});
    await proxy.stalled;
    const began = performance.now();
    controller.abort(new Error('user cancelled'));
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(performance.now() - began).toBeLessThan(1000);
    await vi.waitFor(() => expect(proxy.clientAborts).toBeGreaterThan(0));
  } finally {
    await proxy.close();
  }
});
