// A digest of objects in S3 equals, byte for byte, the digest of the same files on disk, for
// every layout and selection (planned listings never lose an object the window needs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  createDigester,
  createS3Client,
  type Digester,
  type DigestRunOptions,
  digestToString,
  S3Source,
} from '../dist/index.js';
import { generateFixture } from '../fixtures/generate.js';
import { putTree, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { tempDir } from './support/tmp.js';

const BUCKET = 'digest-vs-local';
const VARIANTS = [
  { name: 'default-daily', layout: 'default', hourly: false },
  { name: 'default-hourly', layout: 'default', hourly: true },
  { name: 'hive-daily', layout: 'hive', hourly: false },
  { name: 'hive-hourly', layout: 'hive', hourly: true },
] as const;
// 32 objects, one every 5 minutes from 23:00: four flow logs (two accounts × two regions), across midnight.
const FIXTURE = {
  size: 600_000,
  objects: 32,
  seed: 3,
  conversations: 400,
  format: 'mixed',
  start: new Date('2026-01-15T23:00:00Z'),
} as const;
const WINDOW = { start: new Date('2026-01-15T23:42:30Z'), end: new Date('2026-01-16T00:21:00Z') };
const SELECTIONS: [string, DigestRunOptions][] = [
  ['a window', WINDOW],
  ['a window and an account', { ...WINDOW, accounts: ['210987654321'] }],
  ['a window and a region', { ...WINDOW, regions: ['eu-west-1'] }],
  ['an account and a region, no window', { accounts: ['123456789012'], regions: ['us-east-1'] }],
  ['an open window', { start: new Date('2026-01-16T01:00:00Z') }],
  ['a window of ten days', { start: new Date('2026-01-10T00:00:00Z'), end: new Date('2026-01-20T00:00:00Z') }],
  ['nothing', {}],
];

const dir = tempDir('flowdigest-s3-local-');
let s3: S3rverHandle;
let digester: Digester;
const opts = () => ({ endpoint: s3.endpoint, forcePathStyle: true });

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  digester = createDigester({ threads: 2 });
  const client = await createS3Client(opts());
  for (const v of VARIANTS) {
    await generateFixture({ ...FIXTURE, layout: v.layout, hourly: v.hourly, out: join(dir, v.name) });
    await putTree(client, BUCKET, `${v.name}/`, join(dir, v.name));
  }
  client.destroy();
});
afterAll(async () => {
  await digester?.close();
  await s3?.stop();
});

const rows = (ndjson: string) => ndjson.split('\n').filter((l) => l.startsWith('{"account-id"'));

describe.each(VARIANTS)('$name', ({ name }) => {
  it.each(SELECTIONS)('with %s', async (_, run) => {
    const source = new S3Source(`s3://${BUCKET}/${name}`, opts());
    const remote = await digester.digest([source], run);
    const local = await digester.digest([join(dir, name)], run);
    expect(remote.stats.objects).toBeGreaterThan(0);
    expect(digestToString(remote)).toBe(digestToString(local));
    expect(rows(digestToString(remote, 'ndjson'))).toEqual(rows(digestToString(local, 'ndjson')));
    expect(remote.stats.digested).toBe(local.stats.digested);
    // A short window's plan leaves objects out (and still loses no record).
    if (run.start !== undefined && run.end !== undefined && +run.end - +run.start < 86_400_000)
      expect(remote.stats.objects).toBeLessThan(local.stats.objects);
  });
});
