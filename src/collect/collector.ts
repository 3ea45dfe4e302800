/**
 * `collector(streams)`: the streams validated, and the two ways to run them — `run()` from
 * code, `cli(argv)` from a scheduler. Streams run `concurrency` at a time; every stream runs to
 * its end and every failure is reported (hatchery returned only the first).
 */
import { AbortError, InvalidOptionError } from '../errors.js';
import { checkValue } from '../util/option-schema.js';
import { COLLECTOR_OPTIONS } from './options.js';
import { runCli } from './cli.js';
import { createLogWriter } from './log.js';
import { retryPolicy } from './retry.js';
import { type RunEnvironment, runStream, type StreamResult } from './run.js';
import type { RunOptions, RunReport } from './run-types.js';
import { selectStreams } from './select.js';
import { validateStreams } from './stream.js';
import type { CollectorOptions, StreamDefinition } from './types.js';

export type { RunOptions, RunReport } from './run-types.js';

/** A set of streams, ready to run. */
export interface Collector {
  readonly streams: readonly StreamDefinition[];
  /** Run the selected streams. Rejects only for a bad selection or option; stream failures are in the report. */
  run(options: RunOptions): Promise<RunReport>;
  /** Parse `argv`, run, print; resolves with the exit code (0 ok, 1 a stream failed, 2 usage) and sets `process.exitCode`. */
  cli(argv: readonly string[]): Promise<number>;
}

/** Define the streams. @throws InvalidStreamError naming the stream at fault. */
export function collector(streams: StreamDefinition[], options: CollectorOptions = {}): Collector {
  const defs = validateStreams(streams);
  const concurrencyDefault = checkConcurrency(options.concurrency, 'options.concurrency');
  const env: RunEnvironment = {
    policy: retryPolicy(options.retry, 'options.retry'),
    log: createLogWriter(options.log),
    now: options.now ?? (() => new Date()),
    safetyLagMs: checkValue(COLLECTOR_OPTIONS.safetyLagMs, 'options.safetyLagMs', options.safetyLagMs) as number,
    initialLookbackMs: checkValue(
      COLLECTOR_OPTIONS.initialLookbackMs,
      'options.initialLookbackMs',
      options.initialLookbackMs,
    ) as number,
  };

  const run = async (o: RunOptions): Promise<RunReport> => {
    const selected = selectStreams(defs, o);
    const concurrency = checkConcurrency(o.concurrency, 'concurrency', concurrencyDefault);
    if (o.window !== undefined && !(o.window.start < o.window.end))
      throw new InvalidOptionError('window', 'must have start before end');
    const signal = o.signal ?? new AbortController().signal;
    if (signal.aborted) throw new AbortError(signal.reason);
    const results: StreamResult[] = new Array(selected.length);
    let next = 0;
    try {
      await Promise.all(
        Array.from({ length: Math.min(concurrency, selected.length) }, async () => {
          while (next < selected.length) {
            const i = next++;
            results[i] = await runStream(selected[i], env, { window: o.window, dryRun: o.dryRun, signal });
          }
        }),
      );
    } finally {
      // Each destination once, even when streams share it.
      await Promise.all([...new Set(selected.map((s) => s.destination))].map((d) => d.close?.().catch(() => {})));
    }
    return { ok: results.every((r) => r.ok), streams: results };
  };

  return { streams: defs, run, cli: (argv) => runCli(defs, run, argv, env.now) };
}

const checkConcurrency = (v: number | undefined, name: string, fallback?: number): number =>
  (v === undefined && fallback !== undefined ? fallback : checkValue(COLLECTOR_OPTIONS.concurrency, name, v)) as number;
