/**
 * The engine: sources → prefetch → pool → sorted runs. The main thread only lists, reads and
 * dispatches; workers gunzip, scan and aggregate into hash-partitioned run tables (one per
 * worker slot), then sort those tables and merge them range by range. One run's steps are
 * those of {@link DigestRun} (run.ts).
 */
import type { Digest } from '../digest/digest.js';
import { ScanPool } from '../pool/pool.js';
import type { DigestInput } from './inputs.js';
import {
  type DigesterOptions,
  type DigestRunOptions,
  resolveDigesterOptions,
  type ResolvedDigesterOptions,
} from './options.js';
import { DigestRun } from './run.js';

export { type DigestInput, toSources } from './inputs.js';

/** A reusable digester: one worker pool for many runs. Call {@link Digester.close} when done. */
export interface Digester {
  readonly options: ResolvedDigesterOptions;
  /** Digest every object of `inputs` into one digest. */
  digest(inputs: readonly DigestInput[], options?: DigestRunOptions): Promise<Digest>;
  /** Share of worker time spent busy (0..1). */
  readonly utilization: number;
  /** Stop the worker threads. */
  close(): Promise<void>;
}

/** Create a digester with its own worker pool. */
export function createDigester(options: DigesterOptions = {}): Digester {
  const resolved = resolveDigesterOptions(options);
  const pool = new ScanPool({ threads: resolved.threads });
  return {
    options: resolved,
    // Async, so a bad input or option rejects the promise rather than throwing.
    digest: async (inputs, runOptions = {}) => new DigestRun(pool, resolved, inputs, runOptions).run(),
    get utilization() {
      return pool.utilization;
    },
    close: () => pool.close(),
  };
}

/** One-shot: digest `inputs` with a temporary pool. */
export async function digestInputs(
  inputs: readonly DigestInput[],
  options: DigestRunOptions & DigesterOptions = {},
): Promise<Digest> {
  const digester = createDigester(options);
  try {
    return await digester.digest(inputs, options);
  } finally {
    await digester.close();
  }
}
