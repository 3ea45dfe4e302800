// A Firehose object (no extension, no AWS delivery name) named exactly by its s3:// URL is read,
// as a file named on the command line is; under a prefix it is passed over and counted.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createS3Client, digestToString, S3Source } from '../dist/index.js';
import { createDigester } from '../dist/index.js';
import { gzip } from './support/flowlog.js';
import { putObjects, startS3rver, type S3rverHandle } from './support/s3rver.js';
import type { S3Client } from '@aws-sdk/client-s3';

const BUCKET = 'firehose';
const KEY = 'cw/2026/01/15/16/flow-logs-stream-1-2026-01-15-16-20-00-0f1e2d3c';
let s3: S3rverHandle;
let client: S3Client;
const digester = createDigester({ threads: 1 });

const payload = JSON.stringify({
  messageType: 'DATA_MESSAGE',
  logEvents: [{ id: '1', timestamp: 1, message: '2 1 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT OK' }],
});

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
  await putObjects(client, BUCKET, [{ key: KEY, body: Buffer.concat([gzip(payload), gzip(payload)]) }]);
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  await digester.close();
});

it('reads the object named exactly; passes it over under a prefix', async () => {
  const d = await digester.digest([new S3Source(`s3://${BUCKET}/${KEY}`, { client })]);
  expect(d.stats).toMatchObject({ objects: 1, digested: 2 });
  expect(digestToString(d)).toContain('10.0.0.1 10.0.0.2 443 0 6 2 200 1000 1060 ACCEPT OK');
  const under = await digester.digest([new S3Source(`s3://${BUCKET}/cw/`, { client })]);
  expect(under.stats.objects).toBe(0);
  expect(Object.values(under.stats.listingSkipped).reduce((a, b) => a + b, 0)).toBe(1);
});
