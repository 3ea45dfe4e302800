// With 50 ms per request, downloads must overlap: 64 objects through a prefetch concurrency of 8
// finish several times sooner than one at a time, with the same digest.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDigester, createS3Client, digestToString, S3Source } from '../dist/index.js';
import { generateFixture } from '../fixtures/generate.js';
import { type LatencyProxy, startLatencyProxy } from './support/latency-proxy.js';
import { putTree, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { tempDir } from './support/tmp.js';

const BUCKET = 'latency';
const dir = tempDir('flowdigest-s3-latency-');
let s3: S3rverHandle;
let proxy: LatencyProxy;

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  await generateFixture({ size: 640_000, objects: 64, seed: 9, conversations: 200, format: 'default', out: dir });
  const client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
  await putTree(client, BUCKET, '', dir);
  client.destroy();
  proxy = await startLatencyProxy(s3.endpoint, { delayMs: 50 });
});
afterAll(async () => {
  await proxy?.close();
  await s3?.stop();
});

async function timed(prefetchConcurrency: number) {
  const digester = createDigester({ threads: 1, prefetchConcurrency });
  try {
    const source = new S3Source(`s3://${BUCKET}/`, { endpoint: proxy.endpoint, forcePathStyle: true });
    // Warm up (worker start, connections, SDK import) on the first few objects only.
    await digester.digest([source], { start: new Date('2026-01-15T16:20:00Z'), end: new Date('2026-01-15T16:25:00Z') });
    const began = performance.now();
    const digest = await digester.digest([source]);
    return { seconds: (performance.now() - began) / 1000, digest };
  } finally {
    await digester.close();
  }
}

it('prefetch concurrency 8 is several times faster than 1 at 50 ms per request', async () => {
  const one = await timed(1);
  const eight = await timed(8);
  expect(one.digest.stats.objects).toBe(64);
  expect(digestToString(eight.digest)).toBe(digestToString(one.digest));
  // 64 GETs in sequence cost at least 64 × 50 ms.
  expect(one.seconds).toBeGreaterThan(64 * 0.05);
  expect(eight.seconds * 2).toBeLessThan(one.seconds);
});
