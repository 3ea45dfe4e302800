/** The collector's options as a schema (see {@link COLLECTOR_OPTIONS}). */
import type { OptionSchema } from '../util/option-schema.js';

const MINUTE = 60_000;

/**
 * The collector's numeric options, written once: {@link collector} checks them from here, the
 * CLI's `--concurrency` takes its bounds and default from here, and docs/options.md lists them.
 */
export const COLLECTOR_OPTIONS = {
  concurrency: { type: 'int', min: 1, max: 64, flag: null, help: 'Streams run at once', default: 4 },
  safetyLagMs: {
    type: 'duration',
    min: 0,
    flag: null,
    help: 'How far behind now a checkpointed run stops, so late events are not missed',
    default: 5 * MINUTE,
  },
  initialLookbackMs: {
    type: 'duration',
    min: 0,
    flag: null,
    help: 'Where the first checkpointed run starts, back from its end',
    default: 60 * MINUTE,
  },
} as const satisfies OptionSchema;
