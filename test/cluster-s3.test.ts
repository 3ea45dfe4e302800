// A cluster run with S3 inputs and an S3 store, on s3rver and a private redis-server: the same
// digest as a local run of the same objects, with a window, and nothing left in the store.
import { spawn, type ChildProcess } from 'node:child_process';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createS3Client } from '../dist/index.js';
import { generateFixture } from '../fixtures/generate.js';
import { startRedis, type RedisHandle } from './support/redis.js';
import { CLI, runCli } from './support/run-cli.js';
import { putTree, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { tempDir } from './support/tmp.js';

let redis: RedisHandle;
let s3: S3rverHandle;
const dir = tempDir('flowdigest-cluster-s3-');
const workers: ChildProcess[] = [];
const S3_ARGS = () => ['--endpoint', s3.endpoint, '--path-style'];

beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedis(), startS3rver(['logs', 'parts'])]);
  await generateFixture({ out: dir, size: 3_000_000, objects: 8, seed: 3, hourly: true } as Parameters<
    typeof generateFixture
  >[0]);
  const client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
  await putTree(client, 'logs', 'vpc/', dir);
  client.destroy();
  for (let i = 0; i < 2; i++) {
    const w = spawn(
      process.execPath,
      [CLI, 'work', '--redis', redis.url, '--store', 's3://parts/runs', '-w', '1', ...S3_ARGS()],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...s3.env } },
    );
    workers.push(w);
    await new Promise<void>((resolve) => {
      let seen = '';
      w.stderr!.on('data', (b: Buffer) => {
        seen += b.toString();
        if (seen.includes('ready')) resolve();
      });
    });
  }
}, 60_000);

afterAll(async () => {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(
    workers.map((w) => (w.exitCode !== null || w.signalCode !== null ? null : new Promise((r) => w.once('exit', r)))),
  );
  await Promise.all([redis?.stop(), s3?.stop()]);
});

it('S3 inputs, S3 store: equals the local digest of the same objects, windowed', async () => {
  const window = ['--start', '2026-01-15T16:30:00Z', '--end', '2026-01-15T17:10:00Z'];
  const r = await runCli(
    [
      'digest',
      's3://logs/vpc',
      ...window,
      '--redis',
      redis.url,
      '--store',
      's3://parts/runs',
      '--job-bytes',
      '50KB',
      ...S3_ARGS(),
      '-q',
    ],
    { env: s3.env },
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const local = await runCli(['digest', dir, ...window, '-q']);
  expect(r.stdout).toBe(local.stdout);
  expect(r.stdout.split('\n').length).toBeGreaterThan(100);
  const client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
  const left = await client.send(new ListObjectsV2Command({ Bucket: 'parts' }));
  client.destroy();
  expect(left.Contents ?? []).toEqual([]);
}, 60_000);
