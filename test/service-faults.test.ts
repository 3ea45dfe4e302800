// The service's faults found by trying it as a new user would, each over real HTTP on loopback
// with real files: open windows, years 0000-0099, server paths in 404s, leftovers of killed
// writes, queued jobs on shutdown, /metrics (aborted requests, pool utilization), the worker
// route's topic, and retention.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BUNDLED_LOGS, digestId } from '../dist/service/index.js';
import { generateFixture } from '../fixtures/generate.js';
import { truncatedGzip } from './support/flowlog.js';
import { http, until, windowQuery } from './support/http.js';
import { GatedSource, startService } from './support/service.js';
import { tempDir } from './support/tmp.js';

const dir = tempDir('flowdigest-service-faults-');
const W = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:50:00Z' };
const at = (iso: string) => Date.parse(iso);
const post = (url: string, w: { start: string; stop: string }) =>
  http(`${url}/${windowQuery(w.start, w.stop)}`, { method: 'POST' });
const get = (url: string, w: { start: string; stop: string }) => http(`${url}/${windowQuery(w.start, w.stop)}`);
const stored = (url: string, w: { start: string; stop: string }) =>
  until(async () => ((await get(url, w)).status === 200 ? true : undefined), { what: `digest ${w.start}` });
const metric = async (url: string, line: RegExp) => (await http(`${url}/metrics`)).text.match(line);

it('refuses a window that is not closed yet (stop plus the delivery lag), on every route, and takes it once closed', async () => {
  let now = at('2026-01-15T16:55:00Z');
  const s = await startService({ logs: BUNDLED_LOGS, store: join(dir, 'open'), now: () => now });
  try {
    const job = JSON.stringify({ id: digestId(W.start, W.stop), ...W });
    for (const r of [
      await post(s.url, W),
      await get(s.url, W),
      await http(`${s.url}/graph${windowQuery(W.start, W.stop)}`),
      await http(`${s.url}/digest-queue/digest`, {
        method: 'POST',
        body: job,
        headers: { 'content-type': 'application/json' },
      }),
    ]) {
      expect(r.status).toBe(400);
      expect(r.json<{ message: string }>().message).toMatch(
        /^(body\.)?stop 2026-01-15T16:50:00Z is not closed yet: its flow logs arrive until 2026-01-15T17:00:00Z \(stop plus the 10m delivery lag\)/,
      );
    }
    // A window in 2030 through the worker route: refused, and nothing is stored.
    const future = { start: '2030-01-01T00:00:00Z', stop: '2030-01-01T01:00:00Z' };
    const r = await http(`${s.url}/digest-queue/digest`, {
      method: 'POST',
      body: JSON.stringify({ id: digestId(future.start, future.stop), ...future }),
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).toBe(400);
    expect(existsSync(join(dir, 'open', `${digestId(future.start, future.stop)}.log.gz`))).toBe(false);

    now = at('2026-01-15T17:00:00Z');
    expect((await post(s.url, W)).status).toBe(202);
    await stored(s.url, W);
  } finally {
    await s.close();
  }
});

it('keeps years 0000-0099 as written (0026 is not 1926)', async () => {
  const s = await startService({ logs: BUNDLED_LOGS, store: join(dir, 'years') });
  try {
    const old = { start: '0026-03-01T00:00:00Z', stop: '0026-03-01T01:00:00Z' };
    const r = await post(s.url, old);
    expect(r.status).toBe(202);
    expect(r.json()).toEqual({ id: digestId(old.start, old.stop), start: old.start, stop: old.stop, status: 'queued' });
    expect(digestId(old.start, old.stop)).not.toBe(digestId('1926-03-01T00:00:00Z', '1926-03-01T01:00:00Z'));
    await stored(s.url, old);
    const stats = (await http(`${s.url}/${windowQuery(old.start, old.stop, { format: 'stats' })}`)).json();
    expect(stats).toMatchObject({ start: old.start, stop: old.stop, rows: 0 });
    // 0000 is a leap year (1900 is not).
    expect((await post(s.url, { start: '0000-02-29T00:00:00Z', stop: '0000-02-29T00:10:00Z' })).json()).toMatchObject({
      start: '0000-02-29T00:00:00Z',
    });
  } finally {
    await s.close();
  }
});

it("names a failed job's object relative to the logs root, never by the server's path", async () => {
  const logs = join(dir, 'corrupt-logs');
  const key =
    'AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/01/15/123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20260115T1620Z_abcd1234.log.gz';
  mkdirSync(join(logs, key, '..'), { recursive: true });
  writeFileSync(
    join(logs, key),
    truncatedGzip(
      '2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 40 1768494000 1768494060 ACCEPT OK\n'.repeat(50),
    ),
  );
  const s = await startService({ logs, store: join(dir, 'corrupt-store') });
  try {
    expect((await post(s.url, W)).status).toBe(202);
    const failed = await until(async () => {
      const r = await get(s.url, W);
      return r.status === 404 && r.json().status === 'failed' ? r : undefined;
    });
    const message = failed.json<{ message: string }>().message;
    expect(message).toContain(key);
    expect(message).not.toContain(dir);
    expect(message).toMatch(/^the digest job failed: AWSLogs\//);
  } finally {
    await s.close();
  }
});

it('removes the temporary files of killed writes at start-up, not those of a live writer', async () => {
  const store = join(dir, 'leftovers');
  mkdirSync(join(store, 'markers'), { recursive: true });
  const id = digestId(W.start, W.stop);
  // Named as writeFileAtomic names them: .tmp-NAME.PID.RANDOM; pid 2^22+1 is above Linux's pid_max.
  const dead = [
    join(store, `.tmp-${id}.log.gz.4194305.0123abcd`),
    join(store, 'markers', `.tmp-${id}_in_progress.4194305.89abcdef`),
  ];
  const live = join(store, `.tmp-${id}.ndjson.gz.${process.pid}.00ff00ff`);
  for (const f of [...dead, live]) writeFileSync(f, 'partial');
  const s = await startService({ logs: BUNDLED_LOGS, store });
  try {
    await until(async () => (dead.every((f) => !existsSync(f)) ? true : undefined), { what: 'cleanup' });
    expect(existsSync(live)).toBe(true);
    expect(await metric(s.url, /^flowdigest_temporary_files_removed_total 2$/m)).not.toBeNull();
  } finally {
    await s.close();
  }
});

it('releases queued jobs on shutdown (markers cleared), so a restart takes the window at once', async () => {
  const store = join(dir, 'released');
  const source = new GatedSource(BUNDLED_LOGS);
  source.close();
  const running = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:30:00Z' };
  const queued = { start: '2026-01-15T16:30:00Z', stop: '2026-01-15T16:40:00Z' };
  const first = await startService({ logs: source, store, jobs: 1, maxQueued: 4 });
  expect((await post(first.url, running)).status).toBe(202);
  await until(async () => (source.reads > 0 ? true : undefined));
  expect((await post(first.url, queued)).status).toBe(202);
  expect(existsSync(join(store, 'markers', `${digestId(queued.start, queued.stop)}_in_progress`))).toBe(true);
  await first.close(100);
  source.open();
  expect(
    first.logs.some(
      (l) =>
        l.msg === 'job released: queued at shutdown, its marker cleared' &&
        l.id === digestId(queued.start, queued.stop),
    ),
  ).toBe(true);
  expect(existsSync(join(store, 'markers', `${digestId(queued.start, queued.stop)}_in_progress`))).toBe(false);
  // The running one was aborted: its marker is left to expire.
  expect(existsSync(join(store, 'markers', `${digestId(running.start, running.stop)}_in_progress`))).toBe(true);

  const second = await startService({ logs: BUNDLED_LOGS, store });
  try {
    expect((await get(second.url, queued)).status).toBe(404);
    expect((await post(second.url, queued)).status).toBe(202);
    await stored(second.url, queued);
  } finally {
    await second.close();
  }
});

it('counts a request the client abandoned as aborted, not 200; pool utilization is a 0-1 share of busy thread time', async () => {
  const logs = join(dir, 'big-logs');
  await generateFixture({ size: 6_000_000, objects: 6, seed: 11, conversations: 2000, out: logs });
  const source = new GatedSource(logs);
  const s = await startService({ logs: source, store: join(dir, 'metrics') });
  const began = performance.now();
  try {
    source.close();
    const w = { start: '2026-01-15T16:00:00Z', stop: '2026-01-15T18:00:00Z' };
    const req = request(`${s.url}/digest-queue/digest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => {
      /* destroyed below */
    });
    req.end(JSON.stringify({ id: digestId(w.start, w.stop), ...w }));
    await until(async () => (source.reads > 0 ? true : undefined));
    req.destroy();
    source.open();
    await stored(s.url, w);
    await until(
      async () =>
        (await metric(s.url, /^flowdigest_http_requests_total\{route="worker",method="POST",status="aborted"\} 1$/m)) ??
        undefined,
      { what: 'aborted count' },
    );
    expect(await metric(s.url, /route="worker",method="POST",status="200"/)).toBeNull();

    const text = (await http(`${s.url}/metrics`)).text;
    const utilization = Number(/^flowdigest_pool_utilization (\S+)$/m.exec(text)![1]);
    const digestSeconds = Number(/^flowdigest_digest_duration_seconds_sum (\S+)$/m.exec(text)![1]);
    const lifetime = (performance.now() - began) / 1000;
    expect(utilization).toBeLessThanOrEqual(1);
    // One thread scanned most of the job's time; Piscina's own figure is 1000 times too low.
    expect(utilization).toBeGreaterThan((digestSeconds / lifetime) * 0.05);
  } finally {
    source.open();
    await s.close();
  }
});

it("answers the worker route on this service's topic only", async () => {
  const s = await startService({
    logs: BUNDLED_LOGS,
    store: join(dir, 'topic'),
    topic: 'custom-topic',
    queuer: 'self',
  });
  try {
    const job = JSON.stringify({ id: digestId(W.start, W.stop), ...W });
    const json = { 'content-type': 'application/json' };
    expect((await http(`${s.url}/digest-queue/digest`, { method: 'POST', body: job, headers: json })).status).toBe(404);
    // The self queue posts to /custom-topic/digest.
    expect((await post(s.url, W)).status).toBe(202);
    await stored(s.url, W);
    expect(s.logs.some((l) => l.msg === 'job received' && l.topic === 'custom-topic')).toBe(true);
  } finally {
    await s.close();
  }
});

it('deletes digests older than the retention, at start-up and periodically (fake clock)', async () => {
  const store = join(dir, 'retention');
  const first = await startService({ logs: BUNDLED_LOGS, store });
  const old = { start: '2026-01-15T16:20:00Z', stop: '2026-01-15T16:30:00Z' };
  const recent = { start: '2026-01-15T16:30:00Z', stop: '2026-01-15T16:40:00Z' };
  expect((await post(first.url, old)).status).toBe(202);
  await stored(first.url, old);
  await first.close();

  let offset = 2 * 86_400_000;
  const second = await startService({
    logs: BUNDLED_LOGS,
    store,
    retention: 86_400_000,
    progressTimeout: 1000,
    now: () => Date.now() + offset,
  });
  try {
    // At start-up: the two-day-old digest goes.
    await until(async () => ((await get(second.url, old)).status === 404 ? true : undefined), {
      what: 'start-up sweep',
    });
    expect(readdirSync(store).filter((f) => f.startsWith(digestId(old.start, old.stop)))).toEqual([]);
    expect((await post(second.url, recent)).status).toBe(202);
    await stored(second.url, recent);
    // Kept within the retention, deleted once past it.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await get(second.url, recent)).status).toBe(200);
    offset += 86_400_000 + 60_000;
    await until(async () => ((await get(second.url, recent)).status === 404 ? true : undefined), {
      what: 'periodic sweep',
    });
    // The digest is gone (404) a moment before the sweep counts it: wait for the count.
    await until(async () => (await metric(second.url, /^flowdigest_digests_expired_total 2$/m)) ?? undefined, {
      what: 'the expired-digests counter',
    });
    expect(second.logs.filter((l) => l.msg === 'expired digest deleted').map((l) => l.id)).toEqual([
      digestId(old.start, old.stop),
      digestId(recent.start, recent.stop),
    ]);
  } finally {
    await second.close();
  }
});
