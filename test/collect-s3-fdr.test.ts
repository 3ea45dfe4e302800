// s3Destination through s3rver (objects, checkpoints, re-runs replacing, a failure mid-object
// leaving nothing), and falconDataReplicator: SQS messages (loopback JSON-protocol server) naming
// files in an s3rver bucket, copied streaming, each message deleted only after its copies commit.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { createS3Client } from '../dist/index.js';
import {
  SourceAuthError,
  collector,
  falconDataReplicator,
  s3Destination,
  slackAuditLogs,
  type Source,
} from '../dist/collect/index.js';
import { logSink } from './support/collect.js';
import { startLatencyProxy } from './support/latency-proxy.js';
import { putObjects, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { startSqsServer, type SqsServer } from './support/sqs-server.js';
import { slackEntry, startVendorApi, type VendorApi } from './support/vendor-api.js';

const TOKEN = 'xoxp-s3-test-token';
const T0 = Date.parse('2026-03-01T10:00:00Z');
const WINDOW = { start: new Date(T0), end: new Date(T0 + 3_600_000) };
let s3: S3rverHandle;
let sqs: SqsServer;
let api: VendorApi;
let client: S3Client;
const retry = { baseMs: 1, maxMs: 50, maxAttempts: 3 };

beforeAll(async () => {
  [s3, sqs, api] = await Promise.all([
    startS3rver(['logs', 'fdr-bucket']),
    startSqsServer({ accessKeyId: 'S3RVER' }),
    startVendorApi(TOKEN),
  ]);
  client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
});
afterAll(async () => {
  client?.destroy();
  await Promise.all([s3?.stop(), sqs?.close(), api?.close()]);
});

const dest = (prefix: string) => s3Destination({ bucket: 'logs', prefix, endpoint: s3.endpoint, forcePathStyle: true });
async function keys(prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: 'logs', Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}
async function getBytes(bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

it('writes gzip NDJSON pages and the checkpoint beside them; re-running a window replaces its objects', async () => {
  api.slack = Array.from({ length: 12 }, (_, i) => slackEntry(i, T0 + i * 60_000));
  const c = collector(
    [
      {
        id: 'slack-audit',
        tags: ['hourly'],
        source: slackAuditLogs({ token: TOKEN, baseUrl: api.endpoint, limit: 5 }),
        destination: dest('slack/'),
      },
    ],
    { log: () => {}, retry, now: () => new Date(T0 + 3_600_000 + 5 * 60_000) },
  );
  // Checkpointed: no checkpoint yet, so the hour before now minus the 5-minute lag.
  const first = await c.run({ all: true });
  expect(first.ok, String(first.streams[0].error)).toBe(true);
  expect(first.streams[0].windows).toEqual([WINDOW]);
  const listed = await keys('slack/');
  expect(listed).toContain('slack/slack-audit/_checkpoint.json');
  const objects = listed.filter((k) => k.endsWith('.ndjson.gz'));
  expect(objects).toHaveLength(3);
  const lines = (await Promise.all(objects.map((k) => getBytes('logs', k)))).flatMap((b) =>
    gunzipSync(b).toString().split('\n').filter(Boolean),
  );
  expect(lines.sort()).toEqual(api.slack.map((r) => r.raw).sort());
  const cp = JSON.parse((await getBytes('logs', 'slack/slack-audit/_checkpoint.json')).toString());
  expect(cp).toMatchObject({ position: WINDOW.end.toISOString(), pending: null });

  // The same window again (a backfill): same names, so the same three objects.
  const again = await c.run({ ids: ['slack-audit'], window: WINDOW });
  expect(again.ok).toBe(true);
  expect(await keys('slack/')).toEqual(listed);

  // Again with bigger pages: one object now, and the two pages it no longer has are removed.
  const bigger = collector(
    [
      {
        id: 'slack-audit',
        source: slackAuditLogs({ token: TOKEN, baseUrl: api.endpoint, limit: 100 }),
        destination: dest('slack/'),
      },
    ],
    { log: () => {}, retry },
  );
  expect((await bigger.run({ all: true, window: WINDOW })).ok).toBe(true);
  const now = (await keys('slack/')).filter((k) => k.endsWith('.ndjson.gz'));
  expect(now).toEqual([objects[0]]);
  expect(
    gunzipSync(await getBytes('logs', now[0]))
      .toString()
      .split('\n')
      .filter(Boolean)
      .sort(),
  ).toEqual(api.slack.map((r) => r.raw).sort());
});

it('a source failing mid-object (after several parts) leaves no object', async () => {
  const boom: Source = async (ctx) => {
    async function* records() {
      for (let i = 0; i < 200_000; i++) yield { i, pad: randomBytes(48).toString('hex') };
      throw new Error('vendor connection lost');
    }
    await ctx.emit({ records: records() });
  };
  // Through a recording proxy, to see the parts go up and the multipart upload aborted.
  const proxy = await startLatencyProxy(s3.endpoint);
  try {
    const destination = s3Destination({
      bucket: 'logs',
      prefix: 'boom/',
      endpoint: proxy.endpoint,
      forcePathStyle: true,
      partSize: 5 * 1024 * 1024,
    });
    const c = collector([{ id: 'boom', source: boom, destination }], { log: () => {}, retry });
    const report = await c.run({ all: true, window: WINDOW });
    expect(report.ok).toBe(false);
    expect(report.streams[0].error?.message).toBe('vendor connection lost');
    expect(await keys('boom/')).toEqual([]);
    expect(proxy.requests.some((r) => /^PUT \/logs\/boom\/boom\/.*partNumber=/.test(r))).toBe(true);
    expect(proxy.requests.some((r) => /^DELETE \/logs\/boom\/boom\/.*uploadId=/.test(r))).toBe(true);
  } finally {
    await proxy.close();
  }
});

function fdrSource(extra: Partial<Parameters<typeof falconDataReplicator>[0]> = {}) {
  return falconDataReplicator({
    queueUrl: sqs.queueUrl('fdr'),
    waitTimeSeconds: 0,
    s3: { endpoint: s3.endpoint, forcePathStyle: true },
    ...extra,
  });
}
const message = (files: { path: string; size: number }[], ts: number) =>
  JSON.stringify({
    cid: 'abc',
    timestamp: ts,
    fileCount: files.length,
    totalSize: files.reduce((a, f) => a + f.size, 0),
    bucket: 'fdr-bucket',
    pathPrefix: 'data/x',
    files,
  });

it('FDR: copies each announced file as is, then deletes the message', async () => {
  const big = randomBytes(7 * 1024 * 1024); // more than one 5 MiB part: a streamed multipart copy
  const small = Buffer.from('{"event_simpleName":"ProcessRollup2","aid":"1"}\n');
  await putObjects(client, 'fdr-bucket', [
    { key: 'data/a/part-00000.gz', body: big },
    { key: 'data/a/part-00001.gz', body: small },
    { key: 'data/b/part-00000.gz', body: small },
  ]);
  sqs.send(
    'fdr',
    message(
      [
        { path: 'data/a/part-00000.gz', size: big.length },
        { path: 'data/a/part-00001.gz', size: small.length },
      ],
      T0 + 1234,
    ),
  );
  sqs.send('fdr', message([{ path: 'data/b/part-00000.gz', size: small.length }], T0 + 5000));
  const sink = logSink();
  const c = collector(
    [
      {
        id: 'fdr',
        source: fdrSource(),
        destination: s3Destination({
          bucket: 'logs',
          prefix: 'fdr/',
          endpoint: s3.endpoint,
          forcePathStyle: true,
          partSize: 5 * 1024 * 1024,
        }),
      },
    ],
    { log: sink.log, retry },
  );
  const report = await c.run({ all: true, window: WINDOW });
  expect(report.ok, String(report.streams[0].error)).toBe(true);
  expect(sqs.pending('fdr')).toEqual([]);
  const objects = (await keys('fdr/')).filter((k) => !k.endsWith('_checkpoint.json'));
  expect(objects).toHaveLength(3);
  expect(
    objects.every((k) =>
      /^fdr\/fdr\/2026\/03\/01\/10\/20260301T1000\d\d(\.\d{3})?Z_20260301T1000\d\d(\.\d{3})?Z_00000[01]_[0-9a-f]{16}\.gz$/.test(
        k,
      ),
    ),
  ).toBe(true);
  const copies = await Promise.all(objects.map((k) => getBytes('logs', k)));
  expect(copies.map((b) => b.length).sort((a, b) => a - b)).toEqual([small.length, small.length, big.length]);
  expect(copies.some((b) => b.equals(big))).toBe(true);
  // Every DeleteMessage came after the objects of its message were committed.
  const events = sink.lines.map((l) => l.event);
  expect(events.filter((e) => e === 'object committed')).toHaveLength(3);
  const committedBefore = events.flatMap((e, i) =>
    e === 'message done' ? [events.slice(0, i).filter((x) => x === 'object committed').length] : [],
  );
  expect(committedBefore).toEqual([2, 3]);
  expect(sqs.actions.filter((a) => a === 'DeleteMessage')).toHaveLength(2);
});

it('FDR: a file that cannot be copied keeps its message; the redelivery replaces the copies', async () => {
  const body = Buffer.from('line\n');
  await putObjects(client, 'fdr-bucket', [{ key: 'data/c/part-00000.gz', body }]);
  const id = sqs.send(
    'fdr',
    message(
      [
        { path: 'data/c/part-00000.gz', size: 5 },
        { path: 'data/c/part-00001.gz', size: 5 },
      ],
      T0 + 9000,
    ),
  );
  const mk = () =>
    collector([{ id: 'fdr2', source: fdrSource(), destination: dest('fdr2/') }], { log: () => {}, retry });
  const failed = await mk().run({ all: true, window: WINDOW });
  expect(failed.ok).toBe(false);
  expect(failed.streams[0].error?.message).toMatch(
    /^stream fdr2: S3 GetObject s3:\/\/fdr-bucket\/data\/c\/part-00001\.gz \(message [0-9a-f]+\) failed: NoSuchKey/,
  );
  expect(sqs.pending('fdr').map((m) => m.id)).toEqual([id]);
  const afterFailure = await keys('fdr2/');

  await putObjects(client, 'fdr-bucket', [{ key: 'data/c/part-00001.gz', body }]);
  sqs.expireVisibility();
  const ok = await mk().run({ all: true, window: WINDOW });
  expect(ok.ok, String(ok.streams[0].error)).toBe(true);
  expect(sqs.pending('fdr')).toEqual([]);
  const objects = (await keys('fdr2/')).filter((k) => !k.endsWith('_checkpoint.json'));
  expect(objects).toHaveLength(2);
  // The first file's copy from the failed run was replaced, not duplicated.
  expect(objects).toEqual(expect.arrayContaining(afterFailure.filter((k) => !k.endsWith('_checkpoint.json'))));
});

it('FDR: drains more than one receive batch, and an empty queue is an empty run', async () => {
  const files = Array.from({ length: 12 }, (_, i) => ({
    key: `data/many/part-${String(i).padStart(5, '0')}.gz`,
    body: Buffer.from(`file ${i}\n`),
  }));
  await putObjects(client, 'fdr-bucket', files);
  for (const [i, f] of files.entries())
    sqs.send('fdr-many', message([{ path: f.key, size: f.body.length }], T0 + i * 1000));
  const before = sqs.actions.length;
  const mk = () =>
    collector(
      [{ id: 'fdr-many', source: fdrSource({ queueUrl: sqs.queueUrl('fdr-many') }), destination: dest('fdr-many/') }],
      { log: () => {}, retry },
    );
  const report = await mk().run({ all: true, window: WINDOW });
  expect(report.ok, String(report.streams[0].error)).toBe(true);
  expect(report.streams[0].objects).toBe(12);
  expect(sqs.pending('fdr-many')).toEqual([]);
  // 10 + 2 messages, then an empty receive that ends the run.
  expect(sqs.actions.slice(before).filter((a) => a === 'ReceiveMessage')).toHaveLength(3);
  const empty = await mk().run({ all: true, window: WINDOW });
  expect(empty.ok).toBe(true);
  expect(empty.streams[0].objects).toBe(0);
});

it('FDR: refused credentials fail the stream, naming the secret variable', async () => {
  sqs.send('fdr-auth', message([{ path: 'data/a/part-00001.gz', size: 1 }], T0));
  const src = falconDataReplicator({
    queueUrl: sqs.queueUrl('fdr-auth'),
    waitTimeSeconds: 0,
    credentials: { accessKeyId: 'WRONGKEY', secretAccessKey: 'fdr-secret-value' },
    secretEnv: 'FALCON_SECRET_KEY',
  });
  const sink = logSink();
  const report = await collector([{ id: 'fdr-auth', source: src, destination: dest('fdr-auth/') }], {
    log: sink.log,
    retry,
  }).run({ all: true, window: WINDOW });
  expect(report.streams[0].error).toBeInstanceOf(SourceAuthError);
  expect(report.streams[0].error?.message).toBe(
    'stream fdr-auth: SQS ReceiveMessage was refused (UnrecognizedClientException): check the secret in FALCON_SECRET_KEY',
  );
  expect(sink.text()).not.toContain('fdr-secret-value');
  expect(sqs.pending('fdr-auth')).toHaveLength(1);
});
