/**
 * Housekeeping of the store: at start-up, temporary files of interrupted writes are removed;
 * then, periodically (and once at start-up), stale markers are swept and, with a retention,
 * digests stored longer ago than it are deleted.
 */
import { errorFields } from './logger.js';
import { isFresh, type ServiceState } from './state.js';

/** Remove what interrupted writes left in the store and the markers (`.tmp-*` files). */
export async function removeLeftovers(state: ServiceState): Promise<void> {
  for (const [what, module] of [
    ['store', state.storage],
    ['markers', state.marker],
  ] as const) {
    try {
      const removed = (await module.cleanup?.()) ?? 0;
      if (removed > 0) {
        state.metrics.temporariesRemoved.inc(removed);
        state.logger.info('temporary files of interrupted writes removed', { where: what, count: removed });
      }
    } catch (err) {
      state.logger.warn('temporary file cleanup failed', { where: what, ...errorFields(err) });
    }
  }
}

/**
 * Stale markers (a dead worker's, or a failure long past) are removed, under the window's lock
 * so a POST of this process cannot race the removal.
 */
export async function sweepMarkers(state: ServiceState, stopping: () => boolean): Promise<void> {
  const { marker, runner, metrics, logger, now } = state;
  try {
    for await (const record of marker.list()) {
      if (stopping()) return;
      if (isFresh(state, record) || runner.holds(record.id)) continue;
      await state.locks.with(record.id, async () => {
        const current = await marker.get(record.id);
        if (current === undefined || isFresh(state, current) || runner.holds(record.id)) return;
        await marker.clear(record.id);
        metrics.markersSwept.inc();
        logger.info('stale marker removed', {
          id: record.id,
          start: current.start,
          stop: current.stop,
          state: current.state,
          age_ms: now() - current.updatedAt,
        });
      });
    }
  } catch (err) {
    logger.warn('marker sweep failed', errorFields(err));
  }
}

/** Delete digests stored more than `retentionMs` ago (by their `createdAt`). */
export async function sweepExpired(state: ServiceState, retentionMs: number, stopping: () => boolean): Promise<void> {
  const { storage, metrics, logger } = state;
  if (storage.list === undefined || storage.delete === undefined) return;
  try {
    for await (const meta of storage.list()) {
      if (stopping()) return;
      const stored = Date.parse(meta.createdAt);
      if (!Number.isFinite(stored) || state.now() - stored <= retentionMs) continue;
      await state.locks.with(meta.id, () => storage.delete!(meta.id));
      metrics.digestsExpired.inc();
      logger.info('expired digest deleted', {
        id: meta.id,
        start: meta.start,
        stop: meta.stop,
        stored_at: meta.createdAt,
      });
    }
  } catch (err) {
    logger.warn('retention sweep failed', errorFields(err));
  }
}

/** Run the sweeps now and every `everyMs`, one run at a time; `stop` waits for a run in flight. */
export function startSweeps(
  state: ServiceState,
  o: { everyMs: number; retention?: number; stopping: () => boolean },
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= (async () => {
      await sweepMarkers(state, o.stopping);
      if (o.retention !== undefined) await sweepExpired(state, o.retention, o.stopping);
    })().finally(() => {
      running = undefined;
    });
  };
  const started = removeLeftovers(state).then(run);
  const timer = setInterval(run, o.everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await started;
      await running;
    },
  };
}
