// Waiting on a cluster job while Redis goes away: jobFinished's own poll of the job's state may
// fail with the connection, and that failure must not surface as an unhandled rejection (BullMQ's
// Job.waitUntilFinished polls inside an async Promise executor: frozen and then killed Redis made
// it leak "Connection is closed." three times in three rounds). A finished job still resolves it.
import { FlowProducer, QueueEvents, Worker } from 'bullmq';
import { afterEach, expect, it } from 'vitest';
import { redisConnection } from '../dist/cluster/redis.js';
import { jobFinished } from '../dist/cluster/run.js';
import { startRedis } from './support/redis.js';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
afterEach(() => {
  unhandled.length = 0;
});

async function flowOn(url: string) {
  const connection = redisConnection(url, '--redis', 300);
  const events = new QueueEvents('fd-test', { connection });
  const producer = new FlowProducer({ connection });
  events.on('error', () => {});
  producer.on('error', () => {});
  await events.waitUntilReady();
  const flow = await producer.add({
    name: 'parent',
    queueName: 'fd-test',
    data: {},
    children: [{ name: 'child', queueName: 'fd-test', data: {} }],
  });
  const close = () => Promise.allSettled([events.disconnect(), producer.disconnect()]);
  return { connection, events, job: flow.job, close };
}

it('leaves no unhandled rejection when Redis stops answering and goes away mid-wait', async () => {
  const redis = await startRedis();
  const pid = Number(/process_id:(\d+)/.exec(redis.cli('info', 'server'))![1]);
  const { events, job, close } = await flowOn(redis.url);
  // Frozen: the poll's commands are sent and never answered; then gone for good.
  process.kill(pid, 'SIGSTOP');
  let settled = false;
  const waiting = jobFinished(job, events).finally(() => {
    settled = true;
  });
  waiting.catch(() => {});
  await new Promise((r) => setTimeout(r, 200));
  process.kill(pid, 'SIGKILL');
  await redis.stop();
  // ioredis gives up after its 300 ms of retries and fails every pending command.
  await new Promise((r) => setTimeout(r, 2000));
  await close();
  expect(unhandled).toEqual([]);
  // The caller races the wait with the run's abort, which reports the lost connection.
  expect(settled).toBe(false);
}, 20_000);

it('resolves when the job completes, and rejects with the reason when it fails', async () => {
  const redis = await startRedis();
  const { connection, events, job, close } = await flowOn(redis.url);
  const worker = new Worker('fd-test', async (j) => (j.name === 'child' ? 1 : 2), { connection });
  worker.on('error', () => {});
  await expect(jobFinished(job, events)).resolves.toBeUndefined();
  await worker.close();
  const failing = await flowOn(redis.url);
  const bad = new Worker(
    'fd-test',
    async (j) => {
      if (j.name === 'parent') throw new Error('no parent today');
      return 1;
    },
    { connection },
  );
  bad.on('error', () => {});
  bad.on('failed', () => {});
  await expect(jobFinished(failing.job, failing.events)).rejects.toThrow('no parent today');
  await bad.close();
  await Promise.all([close(), failing.close()]);
  await redis.stop();
  expect(unhandled).toEqual([]);
}, 20_000);
