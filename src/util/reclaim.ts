/**
 * Prompt release of the large buffers a thread drops (a run table's arrays it outgrew, an
 * object's bytes once scanned, handed-off rows once merged).
 *
 * V8 frees an ArrayBuffer's or a SharedArrayBuffer's memory only when a garbage collection finds
 * it unreferenced, and a thread whose JavaScript heap hardly grows (a worker's is about 6 MB)
 * collects rarely: V8 starts a collection for outside memory only after some 64 MB more of it
 * since the last. A SharedArrayBuffer needs every thread that saw it to collect. Measured at
 * 823 k rows (docs/kernel.md, "Where the peak comes from"), about 120 MB of a 640 MB peak was
 * such garbage, spread over the main thread and both workers. So a thread reports what it drops
 * ({@link dropped}), and once that passes {@link RECLAIM_BYTES} it collects, right after the
 * current task (a full collection of a small heap costs a few ms; a run of low cardinality,
 * whose tables never grow, rarely reaches the threshold).
 */
import { createRequire } from 'node:module';

/** Bytes dropped since the last collection that make a thread collect. */
export const RECLAIM_BYTES = 64 * 1024 * 1024;

let owed = 0;
let scheduled = false;
let collect: (() => void) | null | undefined;

/**
 * Note that this thread dropped its last reference to `bytes` bytes of buffers. Past
 * {@link RECLAIM_BYTES} in all, a full garbage collection runs once the current task has
 * returned (a task's own references are gone by then).
 */
export function dropped(bytes: number): void {
  if (!(bytes > 0)) return;
  owed += bytes;
  if (owed < RECLAIM_BYTES || scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    owed = 0;
    collector()?.();
  });
}

/** Bytes dropped and not yet collected (tests). */
export function owedBytes(): number {
  return owed;
}

// `gc` is only given to a context made while --expose-gc is set; setting it changes nothing for
// contexts that exist (the caller's global gets no `gc`), and it is unset once ours is made. Null where the runtime refuses it.
// node:v8 is loaded on the first collection, not at start-up (about 3 ms a thread, measured):
// a digest of low cardinality never collects.
function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    const require = createRequire(import.meta.url);
    const { setFlagsFromString } = require('node:v8') as typeof import('node:v8');
    const { runInNewContext } = require('node:vm') as typeof import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    // Off again at once: contexts the host makes later get no `gc` global from us.
    setFlagsFromString('--no-expose-gc');
    collect = typeof gc === 'function' ? () => (gc as () => void)() : null;
  } catch {
    collect = null;
  }
  return collect;
}
