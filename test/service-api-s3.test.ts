// The service with everything in S3 (s3rver on loopback): logs listed by plan from the window,
// digests uploaded through lib-storage and committed by their text body, markers as objects.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createS3Client, digestInputs, digestToString } from '../dist/index.js';
import { digestId, S3Marker, S3Storage } from '../dist/service/index.js';
import { generateFixture } from '../fixtures/generate.js';
import { http, until, windowQuery } from './support/http.js';
import { putTree, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-service-s3-');
const fixture = join(dir, 'logs');
const W = { start: '2026-01-15T16:35:00Z', stop: '2026-01-15T17:05:00Z' };
let s3: S3rverHandle;
let client: S3Client;
let s: Started;

const keys = async (bucket: string, prefix: string) =>
  ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? [])
    .map((o) => o.Key!.slice(prefix.length))
    .sort();
/** The job's last step clears its marker, after the digest is stored (and served): wait for it. */
const markersCleared = () =>
  until(async () => ((await keys('svc-digests', 'progress/')).length === 0 ? true : undefined), {
    what: 'the progress markers to be cleared',
  });
const stored = (w: { start: string; stop: string }) =>
  until(async () => {
    const r = await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { headers: { 'accept-encoding': 'gzip' } });
    return r.status === 200 ? r : undefined;
  });

beforeAll(async () => {
  s3 = await startS3rver(['svc-flow-logs', 'svc-digests']);
  await generateFixture({
    size: 1_500_000,
    objects: 12,
    seed: 3,
    conversations: 300,
    format: 'mixed',
    layout: 'hive',
    hourly: true,
    out: fixture,
  });
  client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
  await putTree(client, 'svc-flow-logs', 'vpc/', fixture);
  s = await startService({
    logs: 's3://svc-flow-logs/vpc',
    store: 's3://svc-digests/v1',
    markers: 's3://svc-digests/progress',
    s3: { endpoint: s3.endpoint, forcePathStyle: true },
    progressTimeout: 2000,
  });
});
afterAll(async () => {
  await s?.close();
  client?.destroy();
  await s3?.stop();
});

it('digests exactly the window from a planned listing and stores it in S3', async () => {
  const r = await http(`${s.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST' });
  expect(r.status).toBe(202);
  const id = digestId(W.start, W.stop);
  const got = await stored(W);
  expect(got.headers['content-encoding']).toBe('gzip');
  const expected = digestToString(
    await digestInputs([fixture], { threads: 1, start: new Date(W.start), end: new Date(W.stop) }),
  );
  expect(gunzipSync(got.body).toString('latin1')).toBe(expected);
  expect(await keys('svc-digests', 'v1/')).toEqual([`${id}.json`, `${id}.log.gz`, `${id}.ndjson.gz`]);
  await markersCleared();

  const stats = (await http(`${s.url}/${windowQuery(W.start, W.stop, { format: 'stats' })}`)).json<{
    stats: { objects: number; listingSkipped: Record<string, number> };
  }>();
  expect(stats.stats.objects).toBeLessThan(12);
  expect(stats.stats.objects).toBeGreaterThan(0);
  expect(
    (await http(`${s.url}/${windowQuery('2026-01-15T17:35:00+01:00', W.stop)}`, { method: 'POST' })).json(),
  ).toMatchObject({ id, status: 'complete' });
});

it('keeps markers in S3: fresh means in progress, stale means ask again', async () => {
  const w = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:40:00Z' };
  const id = digestId(w.start, w.stop);
  const marker = new S3Marker('s3://svc-digests/progress', { client });
  await marker.set({ id, ...w, state: 'in_progress', updatedAt: Date.now() });
  expect(await keys('svc-digests', 'progress/')).toEqual([`${id}_in_progress`]);
  expect((await http(`${s.url}/${windowQuery(w.start, w.stop)}`)).status).toBe(204);
  expect((await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { method: 'POST' })).json()).toMatchObject({
    status: 'in_progress',
  });
  await marker.set({ id, ...w, state: 'in_progress', updatedAt: Date.now() - 10_000 });
  expect((await http(`${s.url}/${windowQuery(w.start, w.stop)}`, { method: 'POST' })).status).toBe(202);
  await stored(w);
  await markersCleared();
});

it('runs the worker route synchronously against S3 (204 once stored)', async () => {
  const w = { start: '2026-01-15T16:50:00Z', stop: '2026-01-15T17:20:00Z' };
  const r = await http(`${s.url}/digest-queue/digest`, {
    method: 'POST',
    body: JSON.stringify({ id: digestId(w.start, w.stop), ...w }),
  });
  expect(r.status).toBe(204);
  const got = await http(`${s.url}/${windowQuery(w.start, w.stop)}`);
  expect(got.body.toString('latin1')).toBe(
    digestToString(await digestInputs([fixture], { threads: 1, start: new Date(w.start), end: new Date(w.stop) })),
  );
});

it('leaves no digest behind when a body fails mid-upload', async () => {
  const storage = new S3Storage('s3://svc-digests/broken/', { client });
  const id = digestId('2026-01-15T10:00:00Z', '2026-01-15T11:00:00Z');
  const meta = {
    id,
    start: '2026-01-15T10:00:00Z',
    stop: '2026-01-15T11:00:00Z',
    createdAt: new Date().toISOString(),
    seconds: 0,
    rows: 0,
    stats: {} as never,
  };
  await expect(
    storage.put(meta, async (kind, out) => {
      out.write('version account-id\n');
      if (kind === 'text') throw new Error('disk on fire');
    }),
  ).rejects.toThrow('disk on fire');
  expect(await storage.has(id)).toBe(false);
  expect(await storage.open(id, 'ndjson')).toBeUndefined();
  expect(await keys('svc-digests', 'broken/')).not.toContain(`${id}.log.gz`);
});

it('lists stored digests and deletes one whole for retention (text body first)', async () => {
  const storage = new S3Storage('s3://svc-digests/v1', { client });
  const listed = [];
  for await (const meta of storage.list()) listed.push(meta.id);
  const id = digestId(W.start, W.stop);
  expect(listed).toContain(id);
  // Markers under another prefix of the bucket are not digests.
  expect(listed.every((l) => /^[0-9a-f-]{36}$/.test(l))).toBe(true);
  await storage.delete(id);
  expect(await storage.has(id)).toBe(false);
  expect((await keys('svc-digests', 'v1/')).filter((k) => k.startsWith(id))).toEqual([]);
  expect((await http(`${s.url}/${windowQuery(W.start, W.stop)}`)).status).toBe(404);
});
