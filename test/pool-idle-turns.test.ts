// The pool's workers wait for tasks without blocking their event loop, so what a sync task leaves
// to run after it (the collection util/reclaim schedules with setImmediate for the buffers a
// task dropped) runs while the worker is idle, not only once some later task awaits something.
// Checked with Piscina itself under the pool's setting, and under Piscina's default, which starves it.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WORKER_ATOMICS } from '../dist/pool/pool.js';

const { Piscina } = createRequire(import.meta.url)('piscina') as typeof import('piscina');
const worker = new URL('./support/immediate-worker.mjs', import.meta.url).href;

async function immediatesRunWhileIdle(atomics: 'sync' | 'async' | 'disabled'): Promise<number> {
  const pool = new Piscina({ filename: worker, minThreads: 1, maxThreads: 1, atomics });
  try {
    for (let i = 0; i < 3; i++) {
      await pool.run(null, { name: 'schedule' });
      await sleep(50); // the worker is idle
    }
    return (await pool.run(null, { name: 'count' })) as number;
  } finally {
    await pool.destroy();
  }
}

describe('pool workers between tasks', () => {
  it("run what a sync task left behind while they are idle (the pool's setting)", async () => {
    expect(await immediatesRunWhileIdle(WORKER_ATOMICS)).toBe(3);
  });

  it("do not under Piscina's blocking wait, which is why the pool does not use it", async () => {
    expect(await immediatesRunWhileIdle('sync')).toBe(0);
  });
});
