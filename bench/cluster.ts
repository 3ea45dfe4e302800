/**
 * The cluster on one machine: a local `flowdigest digest -w 2` against the same digest through
 * Redis and a store with 1, 2 and 3 `flowdigest work` processes, on a low- and a high-cardinality
 * fixture; Redis commands per job (INFO commandstats) and bytes of partials per GB of lines.
 * Everything runs on this machine's cores, so it measures the cluster's overhead, not its reach.
 * Then the same digest from S3 (s3rver) behind a 50 ms latency proxy, with 1 to 4 workers:
 * throughput grows with workers until the cores are full.
 *
 *   npm run bench:cluster                  # 230 MB fixtures, best of 2
 *   npm run bench:cluster -- --runs 1 --job-bytes 16MB --merge-jobs 4
 *   npm run bench:cluster -- --s3-only     # just the S3 + latency part
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createS3Client } from '../dist/index.js';
import { startLatencyProxy } from '../test/support/latency-proxy.js';
import { startRedis, type RedisHandle } from '../test/support/redis.js';
import { putTree, startS3rver } from '../test/support/s3rver.js';
import { runProcess, type ChildResult } from './lib/child.js';
import { benchFixture, CLI, DIST } from './lib/fixture.js';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string' },
    'job-bytes': { type: 'string' },
    'merge-jobs': { type: 'string' },
    's3-only': { type: 'boolean' },
  },
});
const runs = Number(flags.runs ?? 2);
const jobBytes = flags['job-bytes'] ?? '8MB';
const FIXTURES = [
  { label: '1%', fx: () => benchFixture(230e6, 8, 1, 7000) },
  { label: '40%', fx: () => benchFixture(230e6, 8, 1, 7000, { scanners: 0.45, scanSpace: 739280 }) },
];

const redis: RedisHandle = await startRedis();
const store = await mkdtemp(join(tmpdir(), 'flowdigest-cluster-bench-'));
let workers: ChildProcess[] = [];

async function setWorkers(n: number, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<void> {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => (w.exitCode !== null ? null : new Promise((r) => w.once('exit', r)))));
  // Each worker process gets one thread: with n processes on 2 cores, n threads scan.
  workers = Array.from({ length: n }, () =>
    spawn(process.execPath, [CLI, 'work', '--redis', redis.url, '--store', store, '-w', '1', ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    }),
  );
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          let s = '';
          w.stderr!.on('data', (b: Buffer) => {
            s += b.toString();
            if (s.includes('ready')) resolve();
          });
        }),
    ),
  );
}

function commands(): number {
  return redis
    .cli('info', 'commandstats')
    .split('\n')
    .reduce((n, l) => n + Number(/calls=(\d+)/.exec(l)?.[1] ?? 0), 0);
}

async function best(args: string[]): Promise<ChildResult> {
  let b: ChildResult | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await runProcess(args);
    if (b === undefined || r.seconds < b.seconds) b = r;
  }
  return b!;
}

// Bytes of the partials the scan jobs write: the same slices of objects, digested here.
async function partialBytes(dir: string): Promise<{ bytes: number; jobs: number }> {
  const { createDigester, writeDigest, FileSource } = (await import(DIST)) as typeof import('../src/index.js');
  const { Writable } = await import('node:stream');
  const d = createDigester({ threads: 2 });
  const refs: { key: string; size: number }[] = [];
  for await (const ref of new FileSource(dir).list({
    signal: new AbortController().signal,
    skip: () => {},
    selection: {},
  }))
    refs.push(ref);
  const limit = Number(/^(\d+)MB$/i.exec(jobBytes)?.[1] ?? 8) * 1024 * 1024;
  let bytes = 0,
    jobs = 0;
  for (let i = 0; i < refs.length; ) {
    const slice: string[] = [];
    for (let size = 0; i < refs.length && (slice.length === 0 || size < limit); i++) {
      slice.push(refs[i].key);
      size += refs[i].size;
    }
    const digest = await d.digest(slice);
    await writeDigest(
      digest,
      new Writable({
        write(c: Buffer, _e, cb) {
          bytes += c.length;
          cb();
        },
      }),
      'partial',
    );
    jobs++;
  }
  await d.close();
  return { bytes, jobs };
}

const rows: string[] = [];
const s3rows: string[] = [];
try {
  for (const f of flags['s3-only'] ? [] : FIXTURES) {
    const fx = await f.fx();
    const gb = fx.bytes / 1e9;
    console.error(`\n${f.label}: ${fx.dir} (${fx.files.length} objects, ${(fx.bytes / 1e6).toFixed(0)} MB of lines)`);
    const local = await best([CLI, 'digest', fx.dir, '-w', '2', '-q', '-o', join(store, 'local.log')]);
    console.error(`  local -w 2: ${local.seconds.toFixed(2)} s`);
    const { bytes, jobs } = await partialBytes(fx.dir);
    for (const n of [1, 2, 3]) {
      await setWorkers(n);
      const before = commands();
      const merge = flags['merge-jobs'] === undefined ? [] : ['--merge-jobs', flags['merge-jobs']];
      const r = await best([
        CLI,
        'digest',
        fx.dir,
        '--redis',
        redis.url,
        '--store',
        store,
        '--job-bytes',
        jobBytes,
        ...merge,
        '-q',
        '-o',
        join(store, 'cluster.log'),
      ]);
      const perJob = (commands() - before) / runs / (jobs + 1);
      console.error(`  ${n} worker process(es): ${r.seconds.toFixed(2)} s, ${perJob.toFixed(0)} Redis commands a job`);
      rows.push(
        `| ${f.label} | ${n} | ${local.seconds.toFixed(2)} | ${r.seconds.toFixed(2)} | ${(r.seconds / local.seconds).toFixed(2)}× | ${jobs} + 1 | ${perJob.toFixed(0)} | ${(bytes / gb / 1e6).toFixed(0)} |`,
      );
    }
  }
  // From S3 behind 50 ms of latency a request: the 1% fixture in jobs of 2 MB stored.
  const s3 = await startS3rver(['logs']);
  const proxy = await startLatencyProxy(s3.endpoint, { delayMs: 50 });
  try {
    const fx = await FIXTURES[0].fx();
    const client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
    await putTree(client, 'logs', 'vpc/', fx.dir);
    client.destroy();
    const s3Args = ['--endpoint', proxy.endpoint, '--path-style'];
    for (const n of [1, 2, 3, 4]) {
      await setWorkers(n, s3Args, s3.env);
      const r = await best([
        CLI,
        'digest',
        's3://logs/vpc',
        '--redis',
        redis.url,
        '--store',
        store,
        '--job-bytes',
        '2MB',
        ...s3Args,
        '-q',
        '-o',
        join(store, 's3.log'),
      ]);
      console.error(`  S3 + 50 ms, ${n} worker process(es): ${r.seconds.toFixed(2)} s`);
      s3rows.push(`| ${n} | ${r.seconds.toFixed(2)} | ${(fx.bytes / 1e6 / r.seconds).toFixed(0)} |`);
    }
  } finally {
    await proxy.close();
    await s3.stop();
  }
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await redis.stop();
  await rm(store, { recursive: true, force: true });
}
console.log(
  `\nCluster on one 2-core machine: best of ${runs}; --job-bytes ${jobBytes}; --merge-jobs ${flags['merge-jobs'] ?? 'default'}; each worker process has 1 thread.\n`,
);
console.log(
  '| fixture | worker processes | local -w 2 s | cluster s | cluster ÷ local | jobs (scan + merge) | Redis commands a job | partial MB per GB of lines |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
console.log('\nFrom S3 (s3rver) behind a 50 ms latency proxy, 1% fixture, --job-bytes 2MB:\n');
console.log('| worker processes | seconds | MB/s of lines |');
console.log('|---:|---:|---:|');
for (const r of s3rows) console.log(r);
