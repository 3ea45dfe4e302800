// Redis stopped in the middle of a cluster run (issue 21, item 3): the planner fails within its
// bounded retries with FD_ERR_WORKER naming the URL, the password masked; SIGTERM stops a
// planner whose Redis is gone within the grace time; a worker keeps retrying with a log line
// and still stops on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { clusterDigest, FsPartialStore } from '../dist/cluster/index.js';
import { WorkerError } from '../dist/index.js';
import { lines, rec, writeFiles } from './support/flowlog.js';
import { startRedis } from './support/redis.js';
import { CLI } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const PASSWORD = 's3cret-pw';
const dir = tempDir('fd-lost-redis-');
const inputs = writeFiles(join(dir, 'logs'), { 'a.log': lines(rec({ srcaddr: '10.0.0.1' })) });

const until = async (what: () => boolean) => {
  while (!what()) await new Promise((r) => setTimeout(r, 50));
};

function spawnCli(args: string[]): { child: ChildProcess; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  child.stdout!.resume();
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, err: () => err, exit };
}

it('the planner fails with FD_ERR_WORKER naming the URL, password masked, once its retries are spent', async () => {
  const redis = await startRedis({ password: PASSWORD });
  // No worker: the run waits on its jobs until Redis goes away.
  const running = clusterDigest(inputs, {
    redis: redis.url,
    store: new FsPartialStore(join(dir, 'store1')),
    redisRetryMs: 1_000,
  }).catch((e: unknown) => e);
  await until(() => redis.cli('keys', 'bull:flowdigest:*-scan-0').length > 0);
  await redis.stop();
  const err = await running;
  expect(err).toBeInstanceOf(WorkerError);
  expect((err as WorkerError).code).toBe('FD_ERR_WORKER');
  const message = (err as Error).message;
  expect(message).toContain(`lost the Redis connection to redis://:***@127.0.0.1:${redis.port}`);
  expect(message).not.toContain(PASSWORD);
}, 30_000);

it('SIGTERM stops a planner whose Redis is gone within the grace time, without a stack trace', async () => {
  const redis = await startRedis({ password: PASSWORD });
  const p = spawnCli(['digest', ...inputs, '--redis', redis.url, '--store', join(dir, 'store2'), '-q']);
  await until(() => redis.cli('keys', 'bull:flowdigest:*-scan-0').length > 0);
  await redis.stop();
  p.child.kill('SIGTERM');
  // The vitest timeout below is the bound: STOP_GRACE_MS (10 s) plus start-up.
  const code = await p.exit;
  expect(code).toBe(130);
  expect(p.err()).toContain('SIGTERM, stopping');
  expect(p.err()).not.toContain('unexpected error');
  expect(p.err()).not.toContain(PASSWORD);
}, 25_000);

it('a worker keeps retrying a lost Redis with a log line, and stops on SIGTERM', async () => {
  const redis = await startRedis({ password: PASSWORD });
  const w = spawnCli(['work', '--redis', redis.url, '--store', join(dir, 'store3'), '-w', '1', '--grace-ms', '1000']);
  await until(() => w.err().includes('ready'));
  await redis.stop();
  await until(() => /worker error: .*\(Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+; retrying\)/.test(w.err()));
  expect(w.child.exitCode).toBe(null);
  w.child.kill('SIGTERM');
  expect(await w.exit).toBe(0);
  expect(w.err()).not.toContain(PASSWORD);
  expect(w.err()).not.toContain('unexpected error');
}, 25_000);

it("the service's window queue fails a job fast while Redis is away instead of waiting", async () => {
  const { BullQueuer } = await import('../dist/service/queue/bull.js');
  const redis = await startRedis({ password: PASSWORD });
  const queuer = new BullQueuer(redis.url);
  try {
    const job = (n: number) => ({ id: `00000000-0000-5000-8000-00000000000${n}`, start: 'a', stop: 'b' });
    await queuer.enqueue(job(1));
    await redis.stop();
    // Rejected after a few reconnect tries (a 502 to the POST), not left waiting.
    await expect(queuer.enqueue(job(2))).rejects.toThrow();
  } finally {
    await Promise.race([queuer.close(), new Promise((r) => setTimeout(r, 2000))]);
  }
}, 25_000);
