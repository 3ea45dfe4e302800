/** What a collector run takes and gives back (shared by the collector and its CLI). */
import type { StreamResult } from './run.js';
import type { Selection } from './select.js';
import type { Window } from './types.js';

/** Options of {@link Collector.run}. */
export interface RunOptions extends Selection {
  /** Collect this window (`[start, end)`) as given, leaving checkpoints alone. @default from each checkpoint to now minus the safety lag */
  window?: Window;
  /** Plan only: report windows, collect nothing. */
  dryRun?: boolean;
  /** Streams at once. @default the collector's */
  concurrency?: number;
  signal?: AbortSignal;
}

/** What a run did: one result per selected stream. */
export interface RunReport {
  ok: boolean;
  streams: StreamResult[];
}
