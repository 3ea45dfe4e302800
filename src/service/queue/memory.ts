/** The in-process queue: jobs go straight to this process's runner (the embedded default). */
import type { JobRunner } from '../jobs.js';
import type { DigestJob, Queuer } from './types.js';

export class MemoryQueuer implements Queuer {
  readonly description = 'in-process queue';
  constructor(private readonly runner: JobRunner) {}

  async enqueue(job: DigestJob, context: { requestId: string }): Promise<void> {
    // The API wrote the marker just before; the outcome is followed through the marker and store.
    await this.runner.submit(job, context.requestId, { marked: true });
  }
}
