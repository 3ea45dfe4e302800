/**
 * S3 benchmarks, against s3rver on loopback (a child process; see test/support/s3rver.ts):
 *
 * 1. Digest the benchmark fixture from S3 and from local disk: same objects, same digester (same
 *    workers and prefetch), best of `--runs`, alternating. Target: S3 ≤ 1.3 × local.
 * 2. Listing cost in a bucket of 10,000 small objects (four flow logs, a file every 5 minutes,
 *    ~8.7 days), once partitioned by day and once by hour: a planned 1-hour window against a
 *    whole-bucket listing — List requests, keys listed, objects kept, seconds.
 *
 * s3rver keeps its data in fixtures/generated/s3rver-bench/, so uploads happen once.
 *
 *   npm run build && npx tsx bench/s3.ts                  # 500MB fixture
 *   npx tsx bench/s3.ts --size 100MB --runs 2
 *   npx tsx bench/s3.ts --only listing
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  createDigester,
  createS3Client,
  type Digest,
  digestToString,
  type ListSelection,
  prefetch,
  S3Source,
} from '../dist/index.js';
import { putObjects, startS3rver } from '../test/support/s3rver.js';
import { benchFixture, parseSizeArg } from './lib/fixture.js';

const argv = process.argv.slice(2);
const size = parseSizeArg(argv, '--size', 500e6);
const runs = Number(argv[argv.indexOf('--runs') + 1] || 0) || 1;
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const LISTING_OBJECTS = 10_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'fixtures', 'generated', 's3rver-bench');
const log = (line: string) => process.stderr.write(`${line}\n`);

const s3 = await startS3rver(['fixtures', 'listing-daily', 'listing-hourly'], { directory: DATA });
const options = { endpoint: s3.endpoint, forcePathStyle: true };
const client = await createS3Client(options);
const out: string[] = [];
try {
  if (only === undefined || only === 'digest') out.push(await digestBench());
  if (only === undefined || only === 'listing') out.push(await listingBench());
} finally {
  client.destroy();
  await s3.stop();
}
process.stdout.write(out.join('\n'));

async function digestBench(): Promise<string> {
  const fx = await benchFixture(size);
  const prefix = `${basename(fx.dir)}/`;
  await uploadOnce('fixtures', prefix, fx.dir, fx.files);
  const threads = availableParallelism();
  log(
    `fixture: ${fx.dir} (${fx.files.length} objects, ${(fx.bytes / 1e6).toFixed(0)} MB of lines); ${threads} workers`,
  );
  const digester = createDigester({ threads });
  try {
    await digester.digest([fx.files[0]]); // start the workers
    const inputs = { local: () => fx.dir, s3: () => new S3Source(`s3://fixtures/${prefix}`, options) };
    const best: Record<string, { seconds: number; digest: Digest }> = {};
    for (let r = 0; r < runs; r++) {
      for (const name of (r % 2 === 0 ? ['local', 's3'] : ['s3', 'local']) as (keyof typeof inputs)[]) {
        const began = performance.now();
        const digest = await digester.digest([inputs[name]()]);
        const seconds = (performance.now() - began) / 1000;
        log(`  ${name}: ${seconds.toFixed(2)} s`);
        if (best[name] === undefined || seconds < best[name].seconds) best[name] = { seconds, digest };
      }
    }
    if (digestToString(best.s3.digest) !== digestToString(best.local.digest))
      throw new Error('the S3 digest differs from the local one');
    // The S3 side alone: list and download every object through the same prefetcher, no digest.
    let downloadSeconds = Infinity;
    for (let r = 0; r < runs; r++) {
      const began = performance.now();
      const source = new S3Source(`s3://fixtures/${prefix}`, options);
      const signal = new AbortController().signal;
      const ctx = { signal, skip: () => {} };
      for await (const item of prefetch(source.list(ctx), (ref, sig) => source.read(ref, sig), {
        concurrency: 8,
        maxBytes: 32 << 20,
        signal,
      }))
        item.release();
      downloadSeconds = Math.min(downloadSeconds, (performance.now() - began) / 1000);
    }
    log(`  download only: ${downloadSeconds.toFixed(2)} s`);
    const row = (name: string, { seconds, digest }: { seconds: number; digest: Digest }) =>
      `| ${name} | ${digest.stats.objects} | ${(digest.stats.storedBytes / 1e6).toFixed(1)} | ${(digest.stats.bytesRead / 1e6).toFixed(0)} | ${seconds.toFixed(2)} | ${(digest.stats.bytesRead / 1e6 / seconds).toFixed(0)} | ${(seconds / best.local.seconds).toFixed(2)}× |`;
    return [
      `### Digest: S3 (s3rver, loopback) vs local disk — ${threads} workers, prefetch 8, best of ${runs}`,
      '',
      '| input | objects | stored MB | MB of lines | seconds | MB/s | vs local |',
      '|---|---:|---:|---:|---:|---:|---:|',
      row('local disk', best.local),
      row('S3 (s3rver)', best.s3),
      `| S3 download only, no digest | ${best.s3.digest.stats.objects} | ${(best.s3.digest.stats.storedBytes / 1e6).toFixed(1)} | | ${downloadSeconds.toFixed(2)} | | ${(downloadSeconds / best.local.seconds).toFixed(2)}× |`,
      '',
    ].join('\n');
  } finally {
    await digester.close();
  }
}

async function listingBench(): Promise<string> {
  const t0 = Date.UTC(2026, 2, 1);
  const flowLogs = [
    ['123456789012', 'us-east-1'],
    ['123456789012', 'eu-west-1'],
    ['210987654321', 'us-east-1'],
    ['210987654321', 'eu-west-1'],
  ];
  const marker = `${DATA}.listing-v1`;
  if (!existsSync(marker)) {
    for (const [bucket, hourly] of [
      ['listing-daily', false],
      ['listing-hourly', true],
    ] as const) {
      log(`uploading ${LISTING_OBJECTS} objects to s3://${bucket}/ (once)...`);
      const objects = Array.from({ length: LISTING_OBJECTS }, (_, i) => {
        const [account, region] = flowLogs[i % flowLogs.length];
        const t = new Date(t0 + Math.floor(i / flowLogs.length) * 300_000);
        return {
          key: flowLogKey(account, region, t, hourly),
          body: gzipSync(
            `2 ${account} eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 100 ${t.getTime() / 1000} ${t.getTime() / 1000 + 60} ACCEPT OK\n`,
          ),
        };
      });
      await putObjects(client, bucket, objects);
    }
    writeFileSync(marker, new Date().toISOString());
  }
  // One hour in the middle of the ~8.7 days.
  const window: ListSelection = {
    start: new Date(t0 + 4 * 86_400_000 + 12 * 3_600_000),
    end: new Date(t0 + 4 * 86_400_000 + 13 * 3_600_000),
  };
  const rows: string[] = [];
  for (const bucket of ['listing-daily', 'listing-hourly']) {
    for (const [label, selection] of [
      ['whole bucket', undefined],
      ['planned 1-hour window', window],
    ] as const) {
      const source = new S3Source(`s3://${bucket}/`, options);
      let kept = 0;
      const began = performance.now();
      for await (const _ of source.list({ signal: new AbortController().signal, skip: () => {}, selection })) kept++;
      const seconds = (performance.now() - began) / 1000;
      const s = source.listStats;
      rows.push(
        `| ${bucket.replace('listing-', '')} | ${label} | ${s.listRequests} | ${s.objectsListed.toLocaleString('en-US')} | ${kept.toLocaleString('en-US')} | ${seconds.toFixed(3)} |`,
      );
    }
  }
  return [
    `### Listing a bucket of ${LISTING_OBJECTS.toLocaleString('en-US')} objects (4 flow logs, ~8.7 days): 1-hour window vs whole bucket`,
    '',
    '| partitions | listing | List requests | keys listed | objects kept | seconds |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `Objects kept are those stamped from 15 min before to 10 min after the window (the slack).`,
    '',
  ].join('\n');
}

/** Upload the fixture's files unless the bucket already holds them at the same sizes. */
async function uploadOnce(bucket: string, prefix: string, dir: string, files: string[]): Promise<void> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const have = new Map((listed.Contents ?? []).map((o) => [o.Key, o.Size]));
  const wanted = files.map((f) => ({ key: prefix + relative(dir, f).split(sep).join('/'), file: f }));
  const missing = wanted.filter(({ key, file }) => have.get(key) !== statSync(file).size);
  if (missing.length === 0) return;
  log(`uploading ${missing.length} fixture objects to s3://${bucket}/${prefix}...`);
  await putObjects(
    client,
    bucket,
    missing.map(({ key, file }) => ({ key, body: readFileSync(file) })),
  );
  await client.send(new GetObjectCommand({ Bucket: bucket, Key: missing[0].key })); // sanity: readable
}

function flowLogKey(account: string, region: string, t: Date, hourly: boolean): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const [y, m, d, h, mi] = [
    t.getUTCFullYear(),
    p(t.getUTCMonth() + 1),
    p(t.getUTCDate()),
    p(t.getUTCHours()),
    p(t.getUTCMinutes()),
  ];
  return (
    `AWSLogs/${account}/vpcflowlogs/${region}/${y}/${m}/${d}/${hourly ? `${h}/` : ''}` +
    `${account}_vpcflowlogs_${region}_fl-0123456789abcdef0_${y}${m}${d}T${h}${mi}Z_${p(t.getUTCMinutes())}ab12cd.log.gz`
  );
}
