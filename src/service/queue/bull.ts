/**
 * Window jobs on BullMQ: any number of service processes on one Redis queue and run them. The
 * job ID is the window's digest ID, so a window is queued once however many processes ask; a
 * process that dies while running one leaves it to BullMQ's stalled-job check, and another
 * process runs it.
 */
import type { Queue } from 'bullmq';
import { redisConnection } from '../../cluster/redis.js';
import { OPTIONAL_PACKAGES, requireOptional } from '../../util/optional.js';
import type { JobRunner } from '../jobs.js';
import type { DigestJob, Queuer } from './types.js';

/** The queue of service window jobs. */
export const WINDOW_QUEUE = 'flowdigest-windows';

/** What a service on Redis needs: checked when one is made, so the error names the packages at once. */
const FEATURE = 'a service on Redis (options.redis, serve --redis)';

/**
 * The window jobs' queue on the Redis at `url`. bullmq is an optional peer, loaded when the queue
 * is made, so a service without Redis never needs it.
 * @throws MissingDependencyError when bullmq or ioredis is not installed.
 */
export class BullQueuer implements Queuer {
  readonly description: string;
  readonly #queue: Promise<Queue>;

  constructor(url: string) {
    requireOptional(FEATURE, OPTIONAL_PACKAGES.cluster);
    // Reconnects for as long as Redis is away, but a POST meanwhile fails after a few tries (502)
    // instead of waiting for it.
    const connection = { ...redisConnection(url, 'redis'), maxRetriesPerRequest: 3 };
    this.#queue = import('bullmq').then(({ Queue }) => new Queue(WINDOW_QUEUE, { connection }));
    // A failed load reaches every caller that awaits the queue; it must not end the process meanwhile.
    this.#queue.catch(() => {});
    this.description = `BullMQ queue ${WINDOW_QUEUE}`;
  }

  async enqueue(job: DigestJob): Promise<void> {
    await (await this.#queue).add('window', job, { jobId: job.id, removeOnComplete: true, removeOnFail: true });
  }

  async close(): Promise<void> {
    await (await this.#queue).close();
  }
}

/** Run this process's share of the window jobs on `runner` (which writes their markers and digests). */
export function consumeWindows(
  url: string,
  runner: JobRunner,
  concurrency: number,
  lockMs = 30_000,
): { close(): Promise<void> } {
  requireOptional(FEATURE, OPTIONAL_PACKAGES.cluster);
  const worker = import('bullmq').then(({ Worker }) => startWorker(Worker, url, runner, concurrency, lockMs));
  worker.catch(() => {});
  return { close: async () => (await worker).close() };
}

function startWorker(
  Worker: typeof import('bullmq').Worker,
  url: string,
  runner: JobRunner,
  concurrency: number,
  lockMs: number,
) {
  const worker = new Worker<DigestJob>(
    WINDOW_QUEUE,
    async (job) => {
      const { done } = await runner.submit(job.data, `bullmq:${job.id}`, { marked: true });
      await done;
    },
    {
      connection: redisConnection(url, 'redis'),
      concurrency,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
    },
  );
  worker.on('error', () => {
    /* reconnects; the service's health shows Redis trouble through failed POSTs */
  });
  return worker;
}
