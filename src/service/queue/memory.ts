/** The in-process queue: jobs go straight to this process's runner (the embedded default). */
import type { JobRunner } from '../jobs.js';
import type { DigestJob, EnqueueContext, Queuer } from './types.js';

export class MemoryQueuer implements Queuer {
  readonly description = 'in-process queue';
  constructor(private readonly runner: JobRunner) {}

  async enqueue(job: DigestJob, context: EnqueueContext): Promise<void> {
    // The API wrote the marker just before; the outcome is followed through the marker and store.
    await this.runner.submit(job, context.requestId, {
      marked: true,
      ...(context.actor === undefined ? {} : { actor: context.actor }),
      ...(context.reservation === undefined ? {} : { reservation: context.reservation }),
    });
  }
}
