// One digest across several `flowdigest work` processes on a real Redis (BullMQ): the output
// equals the local digest byte for byte, also when a worker is killed mid-job; a corrupt object
// fails the run naming it; a finished or cancelled run leaves no job and no partial behind.
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateFixture } from '../fixtures/generate.js';
import { startRedis, type RedisHandle } from './support/redis.js';
import { CLI, runCli } from './support/run-cli.js';
import { ClusterWorkers, digestOnCluster, waitFor } from './support/cluster-workers.js';
import { tempDir } from './support/tmp.js';

let redis: RedisHandle;
const dir = tempDir('flowdigest-cluster-');
const store = join(dir, 'store');
const logs = join(dir, 'logs');
const workers = new ClusterWorkers(() => ({ redis: redis.url, store }));

// Only BullMQ's own bookkeeping keys may remain: no job of any run.
const jobKeys = () =>
  redis
    .cli('keys', 'bull:flowdigest:*')
    .split('\n')
    .filter((k) => k !== '' && !/:(id|meta|events|stalled-check)$/.test(k));

beforeAll(async () => {
  redis = await startRedis();
  await generateFixture({ out: logs, size: 6_000_000, objects: 12, seed: 7, scanners: 0.3 } as Parameters<
    typeof generateFixture
  >[0]);
  await Promise.all([workers.start(), workers.start(), workers.start()].map((w) => waitFor(w, 'ready')));
}, 60_000);

afterAll(async () => {
  await workers.stop();
  await redis?.stop();
});

const local = () => runCli(['digest', logs, '-q']).then((r) => r.stdout);

it('three workers, three merge ranges: the local digest, byte for byte, and clean up', async () => {
  const r = await runCli([
    'digest',
    logs,
    '--redis',
    redis.url,
    '--store',
    store,
    '--job-bytes',
    '300KB',
    '--merge-jobs',
    '3',
    '-q',
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(await local());
  expect(r.stdout.split('\n').length).toBeGreaterThan(10_000);
  expect(jobKeys()).toEqual([]);
  expect(readdirSync(store)).toEqual([]);
}, 60_000);

it('a worker killed with SIGKILL mid-job: its job re-runs elsewhere, same output', async () => {
  const victim = workers.start();
  await waitFor(victim, 'ready');
  const run = runCli(['digest', logs, '--redis', redis.url, '--store', store, '--job-bytes', '100KB', '-q']);
  await waitFor(victim, 'started');
  victim.kill('SIGKILL');
  const r = await run;
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(await local());
  expect(jobKeys()).toEqual([]);
}, 60_000);

it('a corrupt object fails the run, naming it and the worker; --skip-bad-objects records it', async () => {
  const bad = join(dir, 'bad');
  cpSync(logs, bad, { recursive: true });
  const victim = join(bad, 'corrupt.log.gz');
  writeFileSync(
    victim,
    Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('not deflate at all')]),
  );
  const r = await runCli(['digest', bad, '--redis', redis.url, '--store', store]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('corrupt.log.gz');
  expect(r.stderr).toContain('FD_ERR_CORRUPT_OBJECT');
  expect(r.stderr).toContain('on worker');
  const skipped = await runCli([
    'digest',
    bad,
    '--redis',
    redis.url,
    '--store',
    store,
    '--skip-bad-objects',
    '-f',
    'ndjson',
    '-q',
  ]);
  expect(skipped.code).toBe(0);
  const stats = JSON.parse(skipped.stdout.trim().split('\n').at(-1)!).stats as { skippedObjects: { key: string }[] };
  expect(stats.skippedObjects.map((s) => s.key)).toEqual([victim]);
  expect(jobKeys()).toEqual([]);
}, 60_000);

it('a keyed run (--key): the local keyed digest byte for byte, text and NDJSON; its partials name the key', async () => {
  for (const [key, format] of [
    ['srcaddr,dstaddr,dstport,protocol,action', 'text'],
    ['+srcaddr', 'ndjson'],
    ['dstaddr srcaddr protocol', 'ndjson'],
  ]) {
    const args = [logs, '--key', key, '-f', format, '-q'];
    const r = await digestOnCluster(args, redis.url, store, '300KB');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = (await runCli(['digest', ...args])).stdout;
    // The stats line counts the run's objects and bytes the same way; the rows must be identical.
    expect(r.stdout.split('\n').slice(0, -2)).toEqual(want.split('\n').slice(0, -2));
    if (format === 'text') expect(r.stdout).toBe(want);
    expect(r.stdout.split('\n').length).toBeGreaterThan(1000);
  }
  // A keyed partial (merge reads it) keeps the key: merged back to text, the same digest.
  const partial = join(dir, 'keyed.fdp');
  const key = 'srcaddr,dstaddr,dstport,protocol,action';
  expect((await runCli(['digest', logs, '--key', key, '-f', 'partial', '-o', partial, '-q'])).code).toBe(0);
  expect((await runCli(['merge', partial, '-q'])).stdout).toBe(
    (await runCli(['digest', logs, '--key', key, '-q'])).stdout,
  );
  expect(jobKeys()).toEqual([]);
  expect(readdirSync(store)).toEqual([]);
}, 120_000);

it('bad flags are usage errors naming them', async () => {
  const noStore = await runCli(['digest', logs, '--redis', redis.url]);
  expect(noStore.code).toBe(2);
  expect(noStore.stderr).toContain('--store');
  const stdin = await runCli(['digest', '-', '--redis', redis.url, '--store', store]);
  expect(stdin.code).toBe(2);
  expect(stdin.stderr).toContain('stdin');
  const badUrl = await runCli(['digest', logs, '--redis', 'http://x', '--store', store]);
  expect(badUrl.code).toBe(1);
  expect(badUrl.stderr).toContain('redis://');
  // Nothing listens on port 1: a clear failure, at once, for the planner and for a worker.
  for (const command of [
    ['digest', logs, '--store', store],
    ['work', '--store', store],
  ]) {
    const down = await runCli([...command, '--redis', 'redis://:secret@127.0.0.1:1']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach Redis at redis://:***@127.0.0.1:1');
    expect(down.stderr).not.toContain('secret');
  }
});

it('Ctrl-C cancels the run: exit 130, no job and no partial left behind', async () => {
  const run = spawn(
    process.execPath,
    [CLI, 'digest', logs, '--redis', redis.url, '--store', store, '--job-bytes', '20KB', '-o', join(dir, 'never.log')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  run.stderr!.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  await waitFor(workers.all[0], 'started');
  run.kill('SIGINT');
  const code = await new Promise<number | null>((r) => run.once('exit', (c) => r(c)));
  expect(code).toBe(130);
  expect(stderr).toContain('SIGINT');
  // Jobs a worker was running when the flow was removed finish and go too.
  for (let i = 0; i < 50 && jobKeys().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(jobKeys()).toEqual([]);
  expect(readdirSync(store)).toEqual([]);
}, 60_000);

it('two runs at once share the workers, each with its own exact result', async () => {
  const [a, b] = await Promise.all([
    runCli(['digest', logs, '--redis', redis.url, '--store', store, '--job-bytes', '200KB', '-q']),
    runCli([
      'digest',
      join(logs, 'AWSLogs'),
      '--redis',
      redis.url,
      '--store',
      store,
      '--job-bytes',
      '200KB',
      '-q',
      '--account',
      '123456789012',
    ]),
  ]);
  expect(a.stdout).toBe(await local());
  expect(b.stdout).toBe((await runCli(['digest', join(logs, 'AWSLogs'), '-q', '--account', '123456789012'])).stdout);
  expect(jobKeys()).toEqual([]);
}, 60_000);

it('SIGTERM: a worker finishes the job it holds, then exits 0', async () => {
  const w = spawn(
    process.execPath,
    [CLI, 'work', '--redis', redis.url, '--store', store, '-w', '1', '--grace-ms', '20000'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  w.stderr!.on('data', (b: Buffer) => {
    log += b.toString();
  });
  await waitFor(w, 'ready');
  const run = runCli(['digest', logs, '--redis', redis.url, '--store', store, '--job-bytes', '100KB', '-q']);
  await waitFor(w, 'started');
  w.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => w.once('exit', (c) => r(c)));
  expect(code).toBe(0);
  const held = /(\S+): started on/.exec(log)![1];
  expect(log.indexOf(`${held}: done`)).toBeGreaterThan(log.indexOf('stopping'));
  expect((await run).stdout).toBe(await local());
}, 60_000);
