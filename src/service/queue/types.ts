/** The queue's message and the Queuer interface (built in: ./memory.ts, ./http.ts, ./bull.ts). */
import type { AuditActor, AuditReservation } from '../../audit/types.js';

/** One digest to make: the window and its canonical ID (see `digestId`). */
export interface DigestJob {
  id: string;
  /** RFC 3339, minute-aligned UTC (`2026-01-15T16:00:00Z`). */
  start: string;
  stop: string;
}

/**
 * Hands jobs to a worker. `enqueue` resolves once the job is accepted (it will reach a worker),
 * and rejects with a `QueueFullError` when the queue is full (the API answers 503 with
 * Retry-After) or any other error when it cannot queue (502).
 */
export interface EnqueueContext {
  requestId: string;
  /** Who asked (for the job's audit events), when the queue keeps the job in this process. */
  actor?: AuditActor;
  /**
   * Audit spool room held for the job's completion event: a queue that runs the job in this
   * process hands it to `JobRunner.submit`. Others ignore it (the process that runs the job
   * holds its own); the caller releases it unless the runner took it.
   */
  reservation?: AuditReservation;
}

export interface Queuer {
  readonly description: string;
  enqueue(job: DigestJob, context: EnqueueContext): Promise<void>;
  /** Release resources (connections); called by `Service.close`. */
  close?(): Promise<void>;
}
