/**
 * Window jobs on BullMQ: any number of service processes on one Redis queue and run them. The
 * job ID is the window's digest ID, so a window is queued once however many processes ask; a
 * process that dies while running one leaves it to BullMQ's stalled-job check, and another
 * process runs it.
 */
import { Queue, Worker } from 'bullmq';
import { redisConnection } from '../../cluster/redis.js';
import type { JobRunner } from '../jobs.js';
import type { DigestJob, Queuer } from './types.js';

/** The queue of service window jobs. */
export const WINDOW_QUEUE = 'flowdigest-windows';

export class BullQueuer implements Queuer {
  readonly description: string;
  private readonly queue: Queue;

  constructor(url: string) {
    // Reconnects for as long as Redis is away, but a POST meanwhile fails after a few tries (502)
    // instead of waiting for it.
    this.queue = new Queue(WINDOW_QUEUE, { connection: { ...redisConnection(url, 'redis'), maxRetriesPerRequest: 3 } });
    this.description = `BullMQ queue ${WINDOW_QUEUE}`;
  }

  async enqueue(job: DigestJob): Promise<void> {
    await this.queue.add('window', job, { jobId: job.id, removeOnComplete: true, removeOnFail: true });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Run this process's share of the window jobs on `runner` (which writes their markers and digests). */
export function consumeWindows(
  url: string,
  runner: JobRunner,
  concurrency: number,
  lockMs = 30_000,
): { close(): Promise<void> } {
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
  return { close: () => worker.close() };
}
