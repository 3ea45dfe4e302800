// The service in Redis mode: two API processes share one Redis and one store. The same POST
// sent to both at once queues exactly one job (one 202, one 409), one process runs it, and
// either process then serves the stored digest.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedis, type RedisHandle } from './support/redis.js';
import { startServe, type ServeChild } from './support/serve-child.js';
import { tempDir } from './support/tmp.js';

let redis: RedisHandle;
const services: ServeChild[] = [];
const store = join(tempDir('flowdigest-serve-redis-'), 'store');
const WINDOW = 'start=2026-01-15T16:20:00Z&stop=2026-01-15T16:50:00Z';

beforeAll(async () => {
  redis = await startRedis();
  for (let i = 0; i < 2; i++)
    services.push(await startServe(['--redis', redis.url, '--store', store, '--workers', '1', '--log-level', 'info']));
}, 60_000);

afterAll(async () => {
  for (const s of services) s.child.kill('SIGTERM');
  await Promise.all(services.map((s) => s.exited));
  await redis?.stop();
});

it('the same POST to two processes at once: one 202, one 409, one job, and both serve it', async () => {
  const answers = await Promise.all(services.map((s) => fetch(`${s.url}/?${WINDOW}`, { method: 'POST' })));
  expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
  await Promise.race(services.map((s) => s.waitFor((l) => l.msg === 'job completed')));
  const started = services.flatMap((s) => s.lines.filter((l) => l.msg === 'job started'));
  expect(started.length).toBe(1);
  for (const s of services) {
    const r = await fetch(`${s.url}/?${WINDOW}`);
    expect(r.status).toBe(200);
    expect((await r.text()).split('\n').length).toBeGreaterThan(100);
  }
  // A later POST of a stored window is a 409 everywhere.
  expect((await fetch(`${services[1].url}/?${WINDOW}`, { method: 'POST' })).status).toBe(409);
  expect(redis.cli('keys', 'flowdigest:marker:*')).toBe('');
}, 60_000);
