// The store sink: each batch one NDJSON object under a time-ordered unique key
// ({prefix}YYYY/MM/DD/{time}-{first id}.ndjson), in a directory (temp + rename) and on S3
// (s3rver, lib-storage). Every event lands once, in order.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchKey, createAuditor, storeSink, type AuditEvent } from '../dist/audit/index.js';
import { input, memoryLogger } from './support/audit-receiver.js';
import { startS3rver, type S3rverHandle } from './support/s3rver.js';
import { tempDir } from './support/tmp.js';

const KEY = /^\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{9}Z-[0-9a-f-]{36}\.ndjson$/;
let s3: S3rverHandle;
beforeAll(async () => {
  s3 = await startS3rver(['audit-bucket']);
});
afterAll(async () => {
  await s3?.stop();
});

/** Record `n` events with batchSize 4 and return them, fully delivered. */
async function recordAll(sink: ReturnType<typeof storeSink>, n: number): Promise<AuditEvent[]> {
  // Timestamps a millisecond apart, so key order is checkable against record order.
  let t = Date.parse('2026-03-01T23:59:59.995Z');
  const auditor = await createAuditor({
    sinks: [sink],
    spoolDir: tempDir('flowdigest-audit-store-spool-'),
    batchSize: 4,
    flushMs: 5000,
    logger: memoryLogger(),
    now: () => t++,
  });
  try {
    // All at once, so they are spooled before the flush period and batch by capacity: 4, 4, rest.
    const events = (await Promise.all(Array.from({ length: n }, (_, i) => auditor.record(input(i))))) as AuditEvent[];
    expect(await auditor.flush(20_000)).toBe(true);
    return events;
  } finally {
    await auditor.close(1000);
  }
}

const parse = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);

it('batchKey: date folders, compact time, first id', () => {
  const e = { id: '0b8c7b9e-5a43-4d0e-9a39-1f3e1c1f9d10', timestamp: '2026-03-02T00:00:00.004Z' } as AuditEvent;
  expect(batchKey([e])).toBe('2026/03/02/20260302T000000004Z-0b8c7b9e-5a43-4d0e-9a39-1f3e1c1f9d10.ndjson');
});

it('directory: one NDJSON file per batch, keys in time order, every event once, no temp file left', async () => {
  const root = join(tempDir('flowdigest-audit-store-'), 'trail');
  const events = await recordAll(storeSink({ location: root }), 10);
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(root, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
  expect(files.every((f) => KEY.test(f))).toBe(true);
  expect(files[0].startsWith('2026/03/01/')).toBe(true);
  expect(files.at(-1)!.startsWith('2026/03/02/')).toBe(true);
  const stored = files.flatMap((f) => parse(readFileSync(join(root, f), 'utf8')));
  expect(stored).toEqual(events);
  expect(files).toHaveLength(3);
  for (const f of files) expect(f).toContain(parse(readFileSync(join(root, f), 'utf8'))[0].id);
});

it('s3://bucket/prefix on s3rver: one object per batch, all events, in key order', async () => {
  const sink = storeSink({
    location: 's3://audit-bucket/trail/events',
    s3: { endpoint: s3.endpoint, forcePathStyle: true },
  });
  const events = await recordAll(sink, 9);
  const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1' });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'audit-bucket', Prefix: 'trail/events/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).sort();
    expect(keys).toHaveLength(3);
    expect(keys.every((k) => KEY.test(k.slice('trail/events/'.length)))).toBe(true);
    const stored: AuditEvent[] = [];
    for (const Key of keys) {
      const got = await client.send(new GetObjectCommand({ Bucket: 'audit-bucket', Key }));
      stored.push(...parse(await got.Body!.transformToString()));
    }
    expect(stored).toEqual(events);
  } finally {
    client.destroy();
  }
});

it('an S3 bucket that does not exist: the batch fails, is logged, and stays in the spool', async () => {
  const logger = memoryLogger();
  const auditor = await createAuditor({
    sinks: [
      storeSink({
        location: 's3://no-such-audit-bucket/x/',
        s3: { endpoint: s3.endpoint, forcePathStyle: true, maxAttempts: 1 },
      }),
    ],
    spoolDir: tempDir('flowdigest-audit-store-nobucket-'),
    flushMs: 5,
    retryBaseMs: 5000,
    logger,
  });
  try {
    await auditor.record(input(0));
    expect(await auditor.flush(1500)).toBe(false);
    const failure = logger.lines.find((l) => l.level === 'error')!;
    expect(failure.fields.sink).toBe('store');
    expect(String(failure.fields.err)).toMatch(/s3:\/\/no-such-audit-bucket\/x\/.*NoSuchBucket/);
  } finally {
    await auditor.close(100);
  }
});
