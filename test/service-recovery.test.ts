// `flowdigest serve` as a real process: killed mid-digest (SIGKILL) it leaves a marker and no
// digest; restarted, the marker expires and a new POST completes the window. SIGTERM answers
// 503 "stopping" (the listener open) while a running job finishes within the grace period, or
// leaves its marker to expire when it cannot.
import type { S3Client } from '@aws-sdk/client-s3';
import { existsSync, readdirSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUNDLED_LOGS, digestId } from '../dist/service/index.js';
import { createS3Client, digestInputs, digestToString } from '../dist/index.js';
import { http, until, windowQuery } from './support/http.js';
import { startLatencyProxy } from './support/latency-proxy.js';
import { putTree, startS3rver, type S3rverHandle } from './support/s3rver.js';
import { startServe } from './support/serve-child.js';
import { tempDir } from './support/tmp.js';

const BUCKET = 'recovery-flow-logs';
const W = { start: '2026-01-15T16:00:00Z', stop: '2026-01-15T17:00:00Z' };
const ID = digestId(W.start, W.stop);
const dir = tempDir('flowdigest-service-recovery-');
let s3: S3rverHandle;
let client: S3Client;

const args = (endpoint: string, store: string, ...more: string[]) => [
  '--logs',
  `s3://${BUCKET}`,
  '--store',
  store,
  '--endpoint',
  endpoint,
  '--path-style',
  '--workers',
  '1',
  ...more,
];
const expected = async () =>
  digestToString(
    await digestInputs([join(BUNDLED_LOGS, 'AWSLogs')], {
      threads: 1,
      start: new Date(W.start),
      end: new Date(W.stop),
    }),
  );

beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  client = await createS3Client({ endpoint: s3.endpoint, forcePathStyle: true });
  await putTree(client, BUCKET, '', BUNDLED_LOGS);
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
});

it('recovers from SIGKILL mid-digest: the marker expires and a new POST completes', async () => {
  const store = join(dir, 'crash');
  // Long enough that the marker is still fresh when the second process is up on a busy machine.
  const env = { ...s3.env, DIGEST_PROGRESS_TIMEOUT: '8000' };
  const proxy = await startLatencyProxy(s3.endpoint, { stallBodyAfter: 64 });
  let killedAt: number;
  try {
    const first = await startServe(args(proxy.endpoint, store), env);
    expect((await http(`${first.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST' })).status).toBe(202);
    await proxy.stalled;
    expect((await http(`${first.url}/${windowQuery(W.start, W.stop)}`)).status).toBe(204);
    first.child.kill('SIGKILL');
    await first.exited;
    killedAt = Date.now();
  } finally {
    await proxy.close();
  }
  // Nothing half-stored: no digest, only the marker.
  expect(readdirSync(store).filter((f) => f.startsWith(ID))).toEqual([]);
  expect(existsSync(join(store, 'markers', `${ID}_in_progress`))).toBe(true);

  const second = await startServe(args(s3.endpoint, store), env);
  try {
    expect((await http(`${second.url}/${windowQuery(W.start, W.stop)}`)).status).toBe(204);
    const queued = await until(
      async () => {
        const r = await http(`${second.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST' });
        if (r.status === 409) {
          expect(r.json().status).toBe('in_progress');
          return undefined;
        }
        return r;
      },
      { every: 100, what: 'marker expiry' },
    );
    expect(queued.status).toBe(202);
    // Refreshed every 2.7 s until the kill, so it went stale 5.3-8 s later.
    expect(Date.now() - killedAt).toBeGreaterThan(5000);
    const got = await until(async () => {
      const r = await http(`${second.url}/${windowQuery(W.start, W.stop)}`);
      return r.status === 200 ? r : undefined;
    });
    expect(got.body.toString('latin1')).toBe(await expected());
    expect(existsSync(join(store, 'markers', `${ID}_in_progress`))).toBe(false);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
});

it('on SIGTERM stops accepting and lets the running job finish within the grace period', async () => {
  const store = join(dir, 'graceful');
  const proxy = await startLatencyProxy(s3.endpoint, { delayMs: 150 });
  try {
    const serve = await startServe(args(proxy.endpoint, store, '--prefetch', '1', '--grace', '20s'), s3.env);
    expect((await http(`${serve.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST' })).status).toBe(202);
    await until(
      async () => (proxy.requests.some((r) => r.startsWith('GET') && r.includes('.log.gz')) ? true : undefined),
      { every: 20, what: 'first download' },
    );
    serve.child.kill('SIGTERM');
    await serve.waitFor((l) => l.msg === 'stopping');
    // The listener stays open during the grace period: new connections get 503 "stopping".
    const health = await http(`${serve.url}/healthz`, { agent: new Agent() });
    expect(health.status).toBe(503);
    expect(health.json()).toMatchObject({ status: 'stopping' });
    const refused = await http(`${serve.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST', agent: new Agent() });
    expect(refused.status).toBe(503);
    expect(refused.json<{ message: string }>().message).toBe('the service is stopping');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    const order = serve.lines.map((l) => l.msg);
    expect(order.indexOf('job completed')).toBeGreaterThan(order.indexOf('stopping'));
    expect(order.at(-1)).toBe('stopped');
    expect(
      readdirSync(store)
        .filter((f) => f.startsWith(ID))
        .sort(),
    ).toEqual([`${ID}.json`, `${ID}.log.gz`, `${ID}.ndjson.gz`]);
    expect(readdirSync(join(store, 'markers'))).toEqual([]);
  } finally {
    await proxy.close();
  }
});

it('on SIGTERM past the grace period aborts the job and leaves its marker to expire', async () => {
  const store = join(dir, 'cut-short');
  const proxy = await startLatencyProxy(s3.endpoint, { stallBodyAfter: 64 });
  try {
    const serve = await startServe(args(proxy.endpoint, store, '--grace', '200ms'), s3.env);
    expect((await http(`${serve.url}/${windowQuery(W.start, W.stop)}`, { method: 'POST' })).status).toBe(202);
    await proxy.stalled;
    const began = Date.now();
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - began).toBeLessThan(5000);
    expect(serve.lines.some((l) => l.msg === 'job aborted: its marker will expire' && l.id === ID)).toBe(true);
    expect(readdirSync(store).filter((f) => f.startsWith(ID))).toEqual([]);
    expect(existsSync(join(store, 'markers', `${ID}_in_progress`))).toBe(true);
  } finally {
    await proxy.close();
  }
});
