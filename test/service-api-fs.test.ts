// The service over real HTTP (loopback, port 0) with the filesystem configuration: the status
// table of POST/GET /, canonical IDs, the window's exactness against the library, formats and
// encodings, concurrent POSTs, the queue bound, markers (expiry, failure, sweep), the worker
// route's validation, standalone mode, graph and diff, metrics, logs and auth.
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, digestId, FsMarker } from '../dist/service/index.js';
import { diffDigests, diffToString, dotToString } from '../dist/graph/index.js';
import { digestInputs, digestToString, type Digest } from '../dist/index.js';
import { generateFixture } from '../fixtures/generate.js';
import { http, until, windowQuery } from './support/http.js';
import { GatedSource, memoryLogger, startService, type Started } from './support/service.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-service-fs-');
const fixture = join(dir, 'logs');
const W = { start: '2026-01-15T16:30:00Z', stop: '2026-01-15T16:50:00Z' };
const W2 = { start: '2026-01-15T16:50:00Z', stop: '2026-01-15T17:10:00Z' };
let source: GatedSource;
let s: Started;

const library = (start: string, stop: string): Promise<Digest> =>
  digestInputs([fixture], { threads: 1, start: new Date(start), end: new Date(stop) });
const get = (
  w: { start: string; stop: string },
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) => http(`${s.url}/${windowQuery(w.start, w.stop, extra)}`, { headers });
const post = (w: { start: string; stop: string }, base = s.url) =>
  http(`${base}/${windowQuery(w.start, w.stop)}`, { method: 'POST' });
const stored = (w: { start: string; stop: string }, base = s.url) =>
  until(
    async () => {
      const r = await http(`${base}/${windowQuery(w.start, w.stop)}`);
      return r.status === 200 ? r : undefined;
    },
    { what: `digest ${w.start}` },
  );

beforeAll(async () => {
  await generateFixture({ size: 2_000_000, objects: 12, seed: 7, conversations: 400, out: fixture });
  source = new GatedSource(fixture);
  s = await startService({ logs: source, store: join(dir, 'store'), progressTimeout: 1500, jobs: 1, maxQueued: 1 });
});
afterAll(async () => {
  source?.open();
  await s?.close();
});

describe('POST and GET /', () => {
  it('queues (202), serves the exact window (200), and refuses a second POST (409) under any offset', async () => {
    const r = await post(W);
    expect(r.status).toBe(202);
    const id = digestId(W.start, W.stop);
    expect(r.json()).toEqual({ id, start: W.start, stop: W.stop, status: 'queued' });
    expect(r.headers.location).toBe(`/?start=${encodeURIComponent(W.start)}&stop=${encodeURIComponent(W.stop)}`);

    const got = await stored(W);
    expect(got.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(got.headers['content-encoding']).toBeUndefined();
    const expected = digestToString(await library(W.start, W.stop));
    expect(got.body.toString('latin1')).toBe(expected);

    // The same instants written with offsets and seconds are the same digest.
    const again = await post({ start: '2026-01-15T17:30:45+01:00', stop: '2026-01-15T11:50:59.9-05:00' });
    expect(again.status).toBe(409);
    expect(again.json()).toEqual({ id, start: W.start, stop: W.stop, status: 'complete' });
    // An offset's `+` left unencoded arrives as a space; it still means `+`.
    const raw = await http(`${s.url}/?start=2026-01-15T17:30:00+01:00&stop=2026-01-15T17:50:00+01:00`);
    expect(raw.status).toBe(200);
    expect(readdirSync(join(dir, 'store')).sort()).toEqual([
      `${id}.json`,
      `${id}.log.gz`,
      `${id}.ndjson.gz`,
      'markers',
    ]);
    expect(readdirSync(join(dir, 'store', 'markers'))).toEqual([]);
  });

  it('sends gzip as Content-Encoding only when the client accepts it', async () => {
    const expected = digestToString(await library(W.start, W.stop));
    const gz = await get(W, {}, { 'accept-encoding': 'br, gzip;q=0.8' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    expect(gunzipSync(gz.body).toString('latin1')).toBe(expected);
    const refused = await get(W, {}, { 'accept-encoding': 'gzip;q=0, identity' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.toString('latin1')).toBe(expected);
  });

  it('serves ndjson, stats, dot and svg of the stored digest', async () => {
    const digest = await library(W.start, W.stop);
    const nd = await get(W, { format: 'ndjson' });
    expect(nd.headers['content-type']).toBe('application/x-ndjson');
    const rows = (t: string) => t.split('\n').filter((l) => l.startsWith('{"account-id"'));
    expect(rows(nd.text)).toEqual(rows(digestToString(digest, 'ndjson')));

    const stats = (await get(W, { format: 'stats' })).json<{
      id: string;
      rows: number;
      stats: Record<string, unknown>;
    }>();
    expect(stats.id).toBe(digestId(W.start, W.stop));
    expect(stats.rows).toBe(digest.size);
    expect(stats.stats).toMatchObject({ digested: digest.stats.digested, malformed: digest.stats.malformed });
    // NODATA/SKIPDATA are counted per object read, and the service reads the objects the library
    // reads for the window (both pass over those stamped outside it), so the counts agree.
    expect(stats.stats.nodata).toBeGreaterThan(0);
    expect(stats.stats.nodata).toBe(digest.stats.nodata);
    expect(stats.stats.skipdata).toBe(digest.stats.skipdata);
    // Objects stamped outside the window (plus slack) are passed over, not read.
    expect((stats.stats.listingSkipped as Record<string, number>).outside_window).toBeGreaterThan(0);
    expect(stats.stats.objects).toBeLessThan(12);

    const dot = await get(W, { format: 'dot' });
    expect(dot.headers['content-type']).toBe('text/vnd.graphviz; charset=utf-8');
    expect(dot.text).toBe(dotToString(digest));
    const svg = await get(W, { format: 'svg' }, { 'accept-encoding': 'gzip' });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(gunzipSync(svg.body).toString()).toContain('<svg');
  });

  it('answers 404 for a window never asked for, and 400 naming the parameter', async () => {
    const absent = await get({ start: '2026-01-15T10:00:00Z', stop: '2026-01-15T11:00:00Z' });
    expect(absent.status).toBe(404);
    expect(absent.json()).toMatchObject({
      status: 'absent',
      id: digestId('2026-01-15T10:00:00Z', '2026-01-15T11:00:00Z'),
    });
    const bad: [string, RegExp][] = [
      ['?stop=2026-01-15T11:00:00Z', /^start is required/],
      ['?start=yesterday&stop=2026-01-15T11:00:00Z', /^start 'yesterday' is not an RFC 3339 time/],
      ['?start=2026-02-30T10:00:00Z&stop=2026-03-01T11:00:00Z', /^start '2026-02-30T10:00:00Z' is not/],
      // Truncated first: 16:20:30 and 16:20:50 are the same minute.
      [
        '?start=2026-01-15T16:20:30Z&stop=2026-01-15T16:20:50Z',
        /^stop must be at least a minute after start once both are truncated/,
      ],
      ['?start=2026-01-01T00:00:00Z&stop=2026-01-09T00:00:00Z', /^stop is more than 7d after start/],
      ['?start=2999-01-01T00:00:00Z&stop=2999-01-01T01:00:00Z', /^start 2999-01-01T00:00:00Z is in the future/],
      [
        '?start=2026-01-15T10:00:00Z&stop=2026-01-15T11:00:00Z&strat=1',
        /unknown query parameter 'strat' \(did you mean start\?\)/,
      ],
      // Misspelt and so missing: the misspelling is said, not "start is required".
      [
        '?strat=2026-01-15T10:00:00Z&stop=2026-01-15T11:00:00Z',
        /^unknown query parameter 'strat' \(did you mean start\?\)/,
      ],
      [
        '?start=2026-01-15T10:00:00Z&sotp=2026-01-15T11:00:00Z',
        /^unknown query parameter 'sotp' \(did you mean stop\?\)/,
      ],
      [
        '?start=2026-01-15T10:00:00Z&start=2026-01-15T10:00:00Z&stop=2026-01-15T11:00:00Z',
        /'start' is given more than once/,
      ],
      [
        '?start=2026-01-15T10:00:00Z&stop=2026-01-15T11:00:00Z&format=xml',
        /^format 'xml' must be one of text, ndjson, dot, svg, stats/,
      ],
    ];
    for (const [q, message] of bad) {
      for (const method of ['GET', 'POST']) {
        if (method === 'POST' && q.includes('format')) continue;
        const r = await http(`${s.url}/${q}`, { method });
        expect(r.status, `${method} ${q}`).toBe(400);
        expect(r.json<{ message: string }>().message).toMatch(message);
      }
    }
  });
});

describe('jobs, markers and bounds', () => {
  it('answers 204 while in progress; concurrent POSTs of one window run one job; a full queue gets 503', async () => {
    source.close();
    try {
      const win = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:40:00Z' };
      const started = s.logs.length;
      const answers = await Promise.all(Array.from({ length: 8 }, () => post(win)));
      expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409, 409, 409, 409, 409, 409]);
      expect(answers.filter((a) => a.status === 409).every((a) => a.json().status === 'in_progress')).toBe(true);
      expect((await get(win)).status).toBe(204);

      // The job above holds the one slot; one more waits; the next is refused, its marker cleared.
      expect((await post(W2)).status).toBe(202);
      const full = await post({ start: '2026-01-15T17:00:00Z', stop: '2026-01-15T17:10:00Z' });
      expect(full.status).toBe(503);
      expect(Number(full.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(full.json<{ message: string }>().message).toMatch(/queue is full/);
      expect((await get({ start: '2026-01-15T17:00:00Z', stop: '2026-01-15T17:10:00Z' })).status).toBe(404);

      source.open();
      const got = await stored(win);
      expect(got.body.toString('latin1')).toBe(digestToString(await library(win.start, win.stop)));
      await stored(W2);
      const runs = s.logs
        .slice(started)
        .filter((l) => l.msg === 'job started' && l.id === digestId(win.start, win.stop));
      expect(runs).toHaveLength(1);
    } finally {
      source.open();
    }
  });

  it('re-queues a window whose marker went stale (its worker died) and sweeps stale markers', async () => {
    const win = { start: '2026-01-15T16:25:00Z', stop: '2026-01-15T16:35:00Z' };
    const id = digestId(win.start, win.stop);
    const marker = new FsMarker(join(dir, 'store', 'markers'));
    await marker.set({ id, ...win, state: 'in_progress', updatedAt: Date.now() });
    expect((await get(win)).status).toBe(204);
    expect((await post(win)).status).toBe(409);
    await marker.set({ id, ...win, state: 'in_progress', updatedAt: Date.now() - 60_000 });
    expect((await get(win)).status).toBe(404);
    expect((await post(win)).status).toBe(202);
    await stored(win);

    // A stale marker nobody asks about again is removed by the sweep (every progress timeout).
    const other = { start: '2026-01-15T18:00:00Z', stop: '2026-01-15T18:10:00Z' };
    const otherId = digestId(other.start, other.stop);
    await marker.set({ id: otherId, ...other, state: 'in_progress', updatedAt: Date.now() - 60_000 });
    // The file goes before the sweep logs it (the unlink resolves a tick later): wait for the log.
    await until(
      async () => (s.logs.some((l) => l.msg === 'stale marker removed' && l.id === otherId) ? true : undefined),
      {
        what: 'sweep',
        timeout: 5000,
      },
    );
    expect(existsSync(join(dir, 'store', 'markers', `${otherId}_in_progress`))).toBe(false);
  });

  it('reports a failed job as 404 failed (with the reason) until a new POST re-queues it', async () => {
    const win = { start: '2026-01-15T16:40:00Z', stop: '2026-01-15T16:55:00Z' };
    source.failing = true;
    try {
      expect((await post(win)).status).toBe(202);
      const failed = await until(
        async () => {
          const r = await get(win);
          return r.status === 404 ? r : undefined;
        },
        { what: 'failure' },
      );
      expect(failed.json()).toMatchObject({ status: 'failed', id: digestId(win.start, win.stop) });
      expect(failed.json<{ message: string }>().message).toMatch(/the digest job failed: .*injected read failure/);
    } finally {
      source.failing = false;
    }
    expect((await post(win)).status).toBe(202);
    expect((await stored(win)).body.toString('latin1')).toBe(digestToString(await library(win.start, win.stop)));
  });
});

describe('the worker route', () => {
  const job = (w: { start: string; stop: string }) => JSON.stringify({ id: digestId(w.start, w.stop), ...w });
  const work = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    http(`${s.url}/digest-queue/digest`, { method: 'POST', body, headers });

  it('digests exactly the window, stores it, clears the marker and answers 204', async () => {
    const win = { start: '2026-01-15T16:45:00Z', stop: '2026-01-15T17:05:00Z' };
    const r = await work(job(win));
    expect(r.status).toBe(204);
    expect(r.body.length).toBe(0);
    expect((await get(win)).body.toString('latin1')).toBe(digestToString(await library(win.start, win.stop)));
    expect(existsSync(join(dir, 'store', 'markers', `${digestId(win.start, win.stop)}_in_progress`))).toBe(false);
    // Already stored: answered at once.
    expect((await work(job(win))).status).toBe(204);
  });

  it('answers 202 at once with Prefer: respond-async', async () => {
    const win = { start: '2026-01-15T16:55:00Z', stop: '2026-01-15T17:15:00Z' };
    const r = await work(job(win), { 'content-type': 'application/json', prefer: 'respond-async' });
    expect(r.status).toBe(202);
    expect(r.json()).toMatchObject({ status: 'queued', id: digestId(win.start, win.stop) });
    await stored(win);
  });

  it('rejects bad bodies, types and sizes', async () => {
    const cases: [string | Buffer, number, RegExp, Record<string, string>?][] = [
      ['{"id":', 400, /^the body is not JSON/],
      ['[1,2]', 400, /must be a JSON object/],
      ['{"id":"x","start":"2026-01-15T16:00:00Z"}', 400, /^body\.stop is required/],
      [JSON.stringify({ id: 'x', ...W }), 400, /^body\.id 'x' is not a window ID \(a UUID/],
      [JSON.stringify({ id: 5, ...W }), 400, /^body\.id '5' is not a window ID/],
      [
        JSON.stringify({ idd: digestId(W.start, W.stop), ...W }),
        400,
        /^body\.idd is not a field of a job \(id, start, stop\) \(did you mean id\?\)/,
      ],
      [
        JSON.stringify({ id: digestId(W.start, W.stop), start: { at: W.start }, stop: W.stop }),
        400,
        /^body\.start must be a string/,
      ],
      [JSON.stringify({ ...JSON.parse(job(W)), extra: 1 }), 400, /^body\.extra is not a field/],
      [
        JSON.stringify({ id: digestId(W.start, W.stop), start: W.start, stop: '2026-01-15T16:30:20Z' }),
        400,
        /^body\.stop must be at least a minute after body\.start/,
      ],
      [
        JSON.stringify({ id: '00000000-0000-5000-8000-000000000000', ...W }),
        400,
        /^body\.id '00000000-.*' is not the ID of the window/,
      ],
      [job(W), 415, /is not application\/json/, { 'content-type': 'text/plain' }],
      [Buffer.alloc(20_000, 32), 413, /larger than 16384 bytes/],
    ];
    for (const [body, status, message, headers] of cases) {
      const r = await work(body, headers);
      expect(r.status, String(body).slice(0, 40)).toBe(status);
      expect(r.json<{ message: string }>().message).toMatch(message);
    }
    expect((await http(`${s.url}/bad%2Ftopic/digest`, { method: 'POST', body: job(W) })).status).toBe(404);
  });
});

describe('modes and extras', () => {
  it('works standalone: the HTTP queue POSTs to the service itself (any 2xx is queued)', async () => {
    const own = await startService({ logs: fixture, store: join(dir, 'standalone'), queuer: 'self' });
    try {
      const r = await post(W, own.url);
      expect(r.status).toBe(202);
      expect((await stored(W, own.url)).body.toString('latin1')).toBe(digestToString(await library(W.start, W.stop)));
      const worker = own.logs.find((l) => l.msg === 'request' && l.route === 'worker');
      expect(worker).toMatchObject({ status: 202, request_id: r.headers['x-request-id'] });
    } finally {
      await own.close();
    }
  });

  it('answers 502 and clears the marker when the queue cannot be reached', async () => {
    const down = await startService({ logs: fixture, store: join(dir, 'down'), queuer: 'http://127.0.0.1:9' });
    try {
      const r = await post(W, down.url);
      expect(r.status).toBe(502);
      expect(r.json<{ message: string }>().message).toMatch(
        /could not queue the job: cannot reach the queue at http:\/\/127\.0\.0\.1:9\/digest-queue\/digest/,
      );
      expect(readdirSync(join(dir, 'down', 'markers'))).toEqual([]);
    } finally {
      await down.close();
    }
  });

  it('draws graphs and diffs of stored digests', async () => {
    await post(W);
    await post(W2);
    await stored(W);
    await stored(W2);
    const prev = await library(W.start, W.stop),
      next = await library(W2.start, W2.stop);
    const g = await http(`${s.url}/graph${windowQuery(W.start, W.stop, { top: '5', format: 'dot' })}`);
    expect(g.status).toBe(200);
    expect(g.text).toBe(dotToString(prev, { top: 5 }));
    const svg = await http(
      `${s.url}/graph${windowQuery(W.start, W.stop, { top: '5', format: 'svg', cluster: 'account' })}`,
    );
    expect(svg.text).toContain('<svg');
    const html = await http(`${s.url}/graph${windowQuery(W.start, W.stop, { top: '5', format: 'html' })}`);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text).toMatch(/^<!DOCTYPE html>/i);
    expect(html.text).toContain('<svg');
    const bad = await http(`${s.url}/graph${windowQuery(W.start, W.stop, { top: '0' })}`);
    expect(bad.status).toBe(400);
    expect(bad.json<{ message: string }>().message).toMatch(/^top '0' must be an integer from 1/);
    const cidr = await http(`${s.url}/graph${windowQuery(W.start, W.stop, { cidr: '10.0.0.0/8,10.0.0.0/33' })}`);
    expect(cidr.status).toBe(400);
    expect(cidr.json<{ message: string }>().message).toBe(
      "cidr '10.0.0.0/33' is not a CIDR range (e.g. 10.0.0.0/8 or fc00::/7)",
    );

    const q = new URLSearchParams({
      previous_start: W.start,
      previous_stop: W.stop,
      next_start: W2.start,
      next_stop: W2.stop,
      format: 'text',
      changed: 'true',
    });
    const d = await http(`${s.url}/diff?${q}`);
    expect(d.status).toBe(200);
    expect(d.text).toBe(await diffToString(diffDigests(prev, next, { changed: true }), 'text'));
    q.set('format', 'html');
    const dh = await http(`${s.url}/diff?${q}`);
    expect(dh.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(dh.text).toContain('<svg');
    q.set('format', 'text');
    q.set('next_start', '2026-01-14T00:00:00Z');
    q.set('next_stop', '2026-01-14T01:00:00Z');
    const missing = await http(`${s.url}/diff?${q}`);
    expect(missing.status).toBe(404);
    expect(missing.json<{ message: string }>().message).toMatch(/^next window: no digest/);
  });

  it('serves health, Prometheus metrics, request IDs and JSON logs', async () => {
    const h = await http(`${s.url}/healthz`);
    expect(h.json()).toMatchObject({ status: 'ok', jobs_running: 0 });
    const m = await http(`${s.url}/metrics`);
    expect(m.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const line of [
      /^flowdigest_http_requests_total\{route="digest",method="POST",status="202"\} \d+$/m,
      /^flowdigest_http_requests_total\{route="digest",method="GET",status="204"\} \d+$/m,
      /^flowdigest_jobs_total\{result="completed"\} \d+$/m,
      /^flowdigest_jobs_total\{result="failed"\} 1$/m,
      /^flowdigest_jobs_rejected_total 1$/m,
      /^flowdigest_digest_duration_seconds_count \d+$/m,
      /^flowdigest_digest_bytes_total \d+$/m,
      /^flowdigest_digest_records_total\{outcome="digested"\} \d+$/m,
      /^flowdigest_jobs_queued 0$/m,
      /^flowdigest_pool_utilization 0\.\d+|^flowdigest_pool_utilization [01]$/m,
      /^flowdigest_http_request_duration_seconds_bucket\{le="0.005",route="digest"\} \d+$/m,
      // prom-client's default process metrics.
      /^process_cpu_user_seconds_total \d/m,
      /^process_resident_memory_bytes \d+$/m,
      /^nodejs_eventloop_lag_seconds \d/m,
      /^process_max_resident_memory_bytes \d+$/m,
    ])
      expect(m.text).toMatch(line);

    const r = await http(`${s.url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(r.headers['x-request-id']).toBe('trace-123');
    const odd = await http(`${s.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.logs.find((l) => l.request_id === 'trace-123')).toMatchObject({
      msg: 'request',
      route: 'healthz',
      status: 200,
      method: 'GET',
    });
  });

  it('requires the bearer token when one is set, and never logs it', async () => {
    const token = 'sekrit-token-0123456789';
    const guarded = await startService({ logs: fixture, store: join(dir, 'guarded'), token, queuer: 'self' });
    try {
      expect((await http(`${guarded.url}/${windowQuery(W.start, W.stop)}`)).status).toBe(401);
      const wrong = await http(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toBe('Bearer');
      expect((await http(`${guarded.url}/healthz`)).status).toBe(200);
      const auth = { authorization: `Bearer ${token}` };
      // Standalone: the queue sends the token to the worker route too.
      expect(
        (await http(`${guarded.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST', headers: auth })).status,
      ).toBe(202);
      await until(async () =>
        (await http(`${guarded.url}/${windowQuery(W.start, W.stop)}`, { headers: auth })).status === 200
          ? true
          : undefined,
      );
      expect(JSON.stringify(guarded.logs)).not.toContain(token);
    } finally {
      await guarded.close();
    }
  });

  it('times out a request that does not arrive in time (408)', async () => {
    const slow = await startService({ logs: fixture, store: join(dir, 'slow'), requestTimeout: 1000 });
    try {
      const socket = connect(Number(new URL(slow.url).port), '127.0.0.1');
      socket.write('POST /digest-queue/digest HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"id":');
      let answer = '';
      socket.on('data', (b: Buffer) => {
        answer += b.toString();
      });
      const began = Date.now();
      await new Promise((resolve) => socket.once('close', resolve));
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(Date.now() - began).toBeLessThan(3000);
    } finally {
      await slow.close();
    }
  });

  it('mounts in your own server through service.handler', async () => {
    const service = createService({
      logs: fixture,
      store: join(dir, 'mounted'),
      logger: memoryLogger([]),
      digester: { threads: 1 },
    });
    const server = createServer(service.handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect((await http(`${base}/healthz`)).json()).toMatchObject({ status: 'ok' });
      expect((await post(W, base)).status).toBe(202);
      expect((await stored(W, base)).body.toString('latin1')).toBe(digestToString(await library(W.start, W.stop)));
    } finally {
      await service.close(1000);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers 405 with Allow for another method, 404 for another path', async () => {
    const r = await http(`${s.url}/`, { method: 'DELETE' });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, HEAD, POST');
    expect((await http(`${s.url}/nope/a/b`)).status).toBe(404);
    expect((await http(`${s.url}//elsewhere/${windowQuery(W.start, W.stop)}`)).status).toBe(404);
  });
});
