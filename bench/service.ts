/**
 * The digest service under load, on loopback: `flowdigest serve` runs as a child process (so
 * its peak RSS is its own), and this process drives it.
 *
 * 1. One large window is digested (the 100 MB benchmark fixture: ~1.2 M records, a digest of
 *    tens of thousands of rows) and stored.
 * 2. Many concurrent GETs of that stored digest: gzip (passed through from the store) and
 *    identity (inflated per request). Each response is streamed from the store file, so the
 *    server's memory should not grow with concurrency or digest size.
 * 3. The same GETs while POSTs of distinct windows queue digest jobs that run on the shared
 *    pool (jobs=1): latency of reads while the CPU digests, and of the POSTs themselves.
 *
 * Peak RSS is the server's (process_max_resident_memory_bytes from /metrics). The client
 * shares the machine's cores with the server, so figures are a floor.
 *
 *   npm run build && npx tsx bench/service.ts [--requests 2000] [--concurrency 64] [--posts 12]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchFixture } from './lib/fixture.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const REQUESTS = arg('--requests', 2000);
const CONCURRENCY = arg('--concurrency', 64);
const POSTS = arg('--posts', 12);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Answer {
  status: number;
  bytes: number;
  ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function call(url: string, method = 'GET', headers: Record<string, string> = {}): Promise<Answer> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - began }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 600_000, every = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, every));
  }
}

/** `n` requests from `make`, `concurrency` at a time. */
async function drive(
  n: number,
  concurrency: number,
  make: (i: number) => Promise<Answer>,
): Promise<{ answers: Answer[]; seconds: number }> {
  const answers: Answer[] = [];
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) answers.push(await make(next++));
    }),
  );
  return { answers, seconds: (performance.now() - began) / 1000 };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function row(name: string, r: { answers: Answer[]; seconds: number }, rss: number): string {
  const ms = r.answers.map((a) => a.ms).sort((a, b) => a - b);
  const bytes = r.answers.reduce((s, a) => s + a.bytes, 0);
  const statuses = [...new Set(r.answers.map((a) => a.status))].sort().join('/');
  return (
    `| ${name} | ${r.answers.length} | ${statuses} | ${(r.answers.length / r.seconds).toFixed(0)} | ${(bytes / 1e6 / r.seconds).toFixed(0)} | ` +
    `${pct(ms, 50).toFixed(1)} | ${pct(ms, 99).toFixed(1)} | ${rss.toFixed(0)} |`
  );
}

const fx = await benchFixture(100e6);
const store = mkdtempSync(join(tmpdir(), 'flowdigest-bench-service-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(
  process.execPath,
  [
    CLI,
    'serve',
    '--port',
    String(port),
    '--logs',
    fx.dir,
    '--store',
    store,
    '--log-level',
    'warn',
    '--max-queued',
    '64',
  ],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env },
  },
);
const rssMB = async () => {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^process_max_resident_memory_bytes (\d+)/m.exec(text)![1]) / 1e6;
};

try {
  await until(async () => ((await call(`${base}/healthz`)).status === 200 ? true : undefined), 20_000, 50);
  const idleRss = await rssMB();
  log(
    `fixture ${fx.dir}: ${fx.files.length} objects, ${(fx.bytes / 1e6).toFixed(0)} MB of lines; server pid ${server.pid}`,
  );

  const big = '?start=2026-01-15T16:00:00Z&stop=2026-01-15T18:00:00Z';
  const t0 = performance.now();
  const queued = await call(`${base}/${big}`, 'POST');
  if (queued.status !== 202) throw new Error(`POST answered ${queued.status}`);
  await until(
    async () =>
      (await call(`${base}/${big}`, 'GET', { 'accept-encoding': 'gzip' })).status === 200 ? true : undefined,
    600_000,
    100,
  );
  const digestSeconds = (performance.now() - t0) / 1000;
  const meta = JSON.parse(await (await fetch(`${base}/${big}&format=stats`)).text()) as {
    rows: number;
    stats: { records: number };
  };
  const afterDigestRss = await rssMB();
  const plain = await call(`${base}/${big}`);
  const gz = await call(`${base}/${big}`, 'GET', { 'accept-encoding': 'gzip' });
  log(
    `digest of 2 h: ${digestSeconds.toFixed(2)} s, ${meta.stats.records} records, ${meta.rows} rows; text ${(plain.bytes / 1e6).toFixed(1)} MB, gzip ${(gz.bytes / 1e6).toFixed(1)} MB`,
  );

  const rows: string[] = [];
  const gzipRun = await drive(REQUESTS, CONCURRENCY, () =>
    call(`${base}/${big}`, 'GET', { 'accept-encoding': 'gzip' }),
  );
  rows.push(row(`GET stored digest, gzip (${CONCURRENCY} concurrent)`, gzipRun, await rssMB()));
  const plainRun = await drive(Math.ceil(REQUESTS / 4), CONCURRENCY, () => call(`${base}/${big}`));
  rows.push(row(`GET stored digest, identity (inflated per request)`, plainRun, await rssMB()));

  // Distinct 10-minute windows, each a new job; reads go on meanwhile.
  const windows = Array.from({ length: POSTS }, (_, i) => {
    const s = Date.UTC(2026, 0, 15, 16, 20 + i * 5);
    return `?start=${new Date(s).toISOString()}&stop=${new Date(s + 10 * 60_000).toISOString()}`;
  });
  const mixedBegan = performance.now();
  const posting = drive(POSTS, 4, (i) => call(`${base}/${windows[i]}`, 'POST'));
  const mixedGets = await drive(REQUESTS, CONCURRENCY, () =>
    call(`${base}/${big}`, 'GET', { 'accept-encoding': 'gzip' }),
  );
  const posts = await posting;
  await until(
    async () => {
      for (const w of windows)
        if ((await call(`${base}/${w}`, 'GET', { 'accept-encoding': 'gzip' })).status !== 200) return undefined;
      return true;
    },
    600_000,
    200,
  );
  const jobsSeconds = (performance.now() - mixedBegan) / 1000;
  rows.push(row(`GET stored digest, gzip, while ${POSTS} jobs run`, mixedGets, await rssMB()));
  rows.push(row(`POST distinct windows (4 concurrent)`, posts, await rssMB()));

  process.stdout.write(
    [
      '',
      `Service on loopback, ${fx.files.length}-object ${(fx.bytes / 1e6).toFixed(0)} MB fixture; stored digest: ${meta.rows} rows, ` +
        `${(plain.bytes / 1e6).toFixed(1)} MB text, ${(gz.bytes / 1e6).toFixed(1)} MB gzip (made in ${digestSeconds.toFixed(2)} s). ` +
        `Server peak RSS: ${idleRss.toFixed(0)} MB idle, ${afterDigestRss.toFixed(0)} MB after the digest. ${POSTS} jobs done in ${jobsSeconds.toFixed(1)} s.`,
      '',
      '| load | requests | status | req/s | MB/s | p50 ms | p99 ms | server peak RSS MB |',
      '|---|---:|---|---:|---:|---:|---:|---:|',
      ...rows,
      '',
    ].join('\n'),
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  agent.destroy();
  rmSync(store, { recursive: true, force: true });
}
