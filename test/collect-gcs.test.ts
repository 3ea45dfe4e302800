// gcsDestination through @google-cloud/storage against a loopback server implementing the
// resumable-upload protocol the client speaks: objects appear only when complete, a failed body
// leaves none, a 503 on a chunk is resumed, checkpoints round-trip.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { collector, gcsDestination, InvalidOptionError, type Source } from '../dist/collect/index.js';
import { startGcsServer, type GcsServer } from './support/gcs-server.js';

let gcs: GcsServer;
const T0 = Date.parse('2026-04-01T00:00:00Z');
const WINDOW = { start: new Date(T0), end: new Date(T0 + 600_000) };

beforeAll(async () => {
  gcs = await startGcsServer();
});
afterAll(async () => {
  await gcs?.close();
});

const records = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i, big: 2n ** 63n + BigInt(from + i), note: `r${from + i}` }));
const pagesSource =
  (pages: number, perPage: number): Source =>
  async (ctx) => {
    for (let p = 0; p < pages; p++) await ctx.emit({ records: records(perPage, p * perPage) });
  };
const objectsUnder = (prefix: string) =>
  [...gcs.objects.values()].filter((o) => o.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));

it('uploads each page with a resumable session, and continues from the checkpoint stored beside them', async () => {
  const before = gcs.requests.length;
  let now = new Date(T0 + 3_600_000);
  const c = collector(
    [
      {
        id: 'gcs-stream',
        source: pagesSource(3, 10),
        destination: gcsDestination({ bucket: 'audit', prefix: 'g/', apiEndpoint: gcs.endpoint }),
      },
    ],
    { log: () => {}, now: () => now },
  );
  const report = await c.run({ all: true });
  expect(report.ok, String(report.streams[0].error)).toBe(true);
  const objects = objectsUnder('g/gcs-stream/20');
  expect(objects).toHaveLength(3);
  const lines = objects.flatMap((o) => gunzipSync(o.bytes).toString().split('\n').filter(Boolean));
  expect(lines).toHaveLength(30);
  expect(lines).toContain(`{"id":0,"big":${2n ** 63n},"note":"r0"}`);
  expect(objects.every((o) => o.contentType === 'application/gzip')).toBe(true);
  const requests = gcs.requests.slice(before);
  expect(
    requests.filter((r) => r.startsWith('POST /upload/storage/v1/b/audit/o?') && r.includes('uploadType=resumable')),
  ).toHaveLength(3 + 2); // 3 pages + 2 checkpoint writes
  expect(
    requests.some((r) => r.startsWith('GET /storage/v1/b/audit/o/g%2Fgcs-stream%2F_checkpoint.json?alt=media')),
  ).toBe(true);
  const cp = JSON.parse(gcs.objects.get('audit/g/gcs-stream/_checkpoint.json')!.bytes.toString());
  expect(cp.position).toBe(new Date(T0 + 3_600_000 - 300_000).toISOString());

  // An hour later the next run starts where the first ended.
  now = new Date(T0 + 7_200_000);
  const next = await c.run({ all: true });
  expect(next.streams[0].windows).toEqual([{ start: new Date(cp.position), end: new Date(T0 + 7_200_000 - 300_000) }]);
});

it('re-running a window with fewer pages removes the pages it no longer has', async () => {
  let pages = 3;
  const src: Source = async (ctx) => {
    for (let p = 0; p < pages; p++) await ctx.emit({ records: records(2, p * 2) });
  };
  const c = collector(
    [{ id: 'gcs-shrink', source: src, destination: gcsDestination({ bucket: 'audit', apiEndpoint: gcs.endpoint }) }],
    { log: () => {} },
  );
  await c.run({ all: true, window: WINDOW });
  expect(objectsUnder('gcs-shrink/')).toHaveLength(3);
  pages = 1;
  await c.run({ all: true, window: WINDOW });
  expect(objectsUnder('gcs-shrink/').map((o) => o.name)).toEqual([
    'gcs-shrink/2026/04/01/00/20260401T000000Z_20260401T001000Z_000000.ndjson.gz',
  ]);
  expect(gcs.requests.some((r) => r.startsWith('GET /storage/v1/b/audit/o?') && r.includes('prefix=gcs-shrink'))).toBe(
    true,
  );
  expect(gcs.requests.some((r) => r.startsWith('DELETE /storage/v1/b/audit/o/gcs-shrink'))).toBe(true);
});

it('a body failing after several chunks leaves no object, and the session is never finalised', async () => {
  const bad: Source = async (ctx) => {
    async function* body() {
      for (let i = 0; i < 12; i++) yield randomBytes(256 * 1024);
      throw new Error('copy broke off');
    }
    await ctx.emit({ format: 'bytes', body: body(), extension: 'bin' });
  };
  const c = collector(
    [
      {
        id: 'gcs-bad',
        source: bad,
        destination: gcsDestination({ bucket: 'audit', apiEndpoint: gcs.endpoint, chunkSize: 512 * 1024 }),
      },
    ],
    { log: () => {} },
  );
  const report = await c.run({ all: true, window: WINDOW });
  expect(report.streams[0].error?.message).toBe('copy broke off');
  expect(objectsUnder('gcs-bad/').filter((o) => !o.name.endsWith('_checkpoint.json'))).toEqual([]);
  const sessions = [...gcs.sessions.values()].filter((s) => s.name.startsWith('gcs-bad/'));
  expect(sessions.length).toBe(1);
  expect(sessions[0].size).toBeGreaterThanOrEqual(512 * 1024); // chunks had gone up
});

it('a 503 on a chunk is resumed by the client; the object is complete', async () => {
  const payload = randomBytes(3 * 256 * 1024 + 17);
  const src: Source = async (ctx) => {
    await ctx.emit({
      format: 'bytes',
      body: [payload.subarray(0, 300_000), payload.subarray(300_000)],
      extension: 'bin',
    });
  };
  const c = collector(
    [
      {
        id: 'gcs-retry',
        source: src,
        destination: gcsDestination({ bucket: 'audit', apiEndpoint: gcs.endpoint, chunkSize: 256 * 1024 }),
      },
    ],
    { log: () => {} },
  );
  gcs.failNextPut = 1;
  const report = await c.run({ all: true, window: WINDOW });
  expect(report.ok, String(report.streams[0].error)).toBe(true);
  expect(gcs.failNextPut).toBe(0); // the 503 was sent
  const [object] = objectsUnder('gcs-retry/20');
  expect(object.bytes.equals(payload)).toBe(true);
});

it('validates its options', () => {
  expect(() => gcsDestination({ bucket: 'A_B' })).toThrow(InvalidOptionError);
  expect(() => gcsDestination({ bucket: 'ok-bucket', apiEndpoint: 'ftp://x' })).toThrow(/apiEndpoint/);
  expect(() => gcsDestination({ bucket: 'ok-bucket', chunkSize: 1000 })).toThrow(/multiple of 256 KiB/);
  expect(() => gcsDestination({ bucket: 'ok-bucket', prefix: '../up' })).toThrow(/prefix/);
});
