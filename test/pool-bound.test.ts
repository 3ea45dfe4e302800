// The pool hands Piscina at most tasksPerThread tasks per thread; the rest wait in its FIFO, so
// Piscina's queue stays short however many tasks are submitted, and a task aborted while it
// waits is rejected with the project's AbortError without ever reaching a worker.
import { afterEach, expect, it } from 'vitest';
import { AbortError } from '../dist/index.js';
import { memoryBudget } from '../dist/table/table.js';
import { ScanPool, type ScanResult } from '../dist/pool/pool.js';
import { rec } from './support/flowlog.js';

let pool: ScanPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

// An object that takes a worker a few milliseconds: 4,000 distinct conversations.
const body = Buffer.from(
  Array.from({ length: 4_000 }, (_, i) => `${rec({ srcaddr: `10.1.${i >> 8}.${i & 255}`, bytes: i })}\n`).join(''),
);
const budget = memoryBudget(1 << 30);
const task = (i: number) => ({
  key: `obj-${i}`,
  data: new Uint8Array(body).buffer,
  strict: false,
  maxSamples: 5,
  budget,
});

/** Run `fn` while sampling the pool after every macrotask; returns the largest values seen. */
async function watch<T>(
  p: ScanPool,
  fn: () => Promise<T>,
): Promise<{ result: T; piscina: number; handed: number; waiting: number }> {
  const max = { piscina: 0, handed: 0, waiting: 0 };
  const sample = () => {
    max.piscina = Math.max(max.piscina, p.piscinaQueued);
    max.handed = Math.max(max.handed, p.handed);
    max.waiting = Math.max(max.waiting, p.waiting);
  };
  let on = true;
  const loop = () => {
    sample();
    if (on) setImmediate(loop);
  };
  loop();
  try {
    const result = await fn();
    return { result, ...max };
  } finally {
    on = false;
    sample();
  }
}

it('64 tasks on 2 threads: Piscina never holds more than 2 per thread', async () => {
  const p = (pool = new ScanPool({ threads: 2 }));
  expect(p.maxHanded).toBe(4);
  const signal = new AbortController().signal; // tasks with a signal are the ones Piscina's maxQueue let through
  const seen = await watch(p, () =>
    Promise.all(
      Array.from({ length: 64 }, (_, i) => {
        const r = p.scan(task(i), signal);
        expect(p.handed).toBeLessThanOrEqual(4);
        expect(p.piscinaQueued).toBeLessThanOrEqual(4);
        return r;
      }),
    ),
  );
  expect(seen.handed).toBe(4);
  expect(seen.piscina).toBeLessThanOrEqual(4);
  expect(seen.waiting).toBe(60);
  expect(seen.result.map((r: ScanResult) => r.counters.digested)).toEqual(new Array(64).fill(4_000));
  expect(p.submitted).toBe(64);
  expect([p.handed, p.waiting, p.piscinaQueued]).toEqual([0, 0, 0]);
});

it('a task aborted while waiting rejects with AbortError and never reaches Piscina', async () => {
  const p = (pool = new ScanPool({ threads: 2 }));
  const first = Array.from({ length: 6 }, (_, i) => p.scan(task(i)));
  expect([p.handed, p.waiting]).toEqual([4, 2]);
  const controller = new AbortController();
  const waiting = task(99);
  const aborted = p.scan(waiting, controller.signal);
  const after = p.scan(task(100));
  expect(p.waiting).toBe(4);
  controller.abort(new Error('stop'));
  const err = await aborted.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AbortError);
  expect((err as AbortError).code).toBe('FD_ERR_ABORTED');
  expect((err as AbortError).cause).toEqual(new Error('stop'));
  // Rejected at once: it left the FIFO, the others are still waiting or running.
  expect(p.waiting).toBe(3);
  expect(p.handed).toBe(4);
  const done = await Promise.all([...first, after]);
  expect(done.every((r: ScanResult) => r.counters.digested === 4_000)).toBe(true);
  // Its buffer was never posted to a worker (a handed task's buffer is transferred), and it was
  // never counted as handed: 7 tasks reached Piscina, not 8.
  expect(waiting.data.byteLength).toBe(body.length);
  expect(p.submitted).toBe(7);
  expect([p.handed, p.waiting]).toEqual([0, 0]);
});

it('an already-aborted signal rejects before the FIFO; aborting running tasks frees their places', async () => {
  const p = (pool = new ScanPool({ threads: 2 }));
  const controller = new AbortController();
  controller.abort();
  await expect(p.scan(task(0), controller.signal)).rejects.toBeInstanceOf(AbortError);
  expect(p.submitted).toBe(0);
  const c2 = new AbortController();
  const all = Array.from({ length: 10 }, (_, i) =>
    p.scan(task(i), c2.signal).then(
      () => 'done',
      (e: unknown) => e,
    ),
  );
  c2.abort();
  const results = await Promise.all(all);
  for (const r of results) if (r !== 'done') expect(r).toBeInstanceOf(AbortError);
  expect([p.handed, p.waiting]).toEqual([0, 0]);
  // The places came back: a new task runs.
  expect((await p.scan(task(11))).counters.digested).toBe(4_000);
});

it('close rejects the tasks still waiting', async () => {
  const p = (pool = new ScanPool({ threads: 1 }));
  const all = Array.from({ length: 5 }, (_, i) =>
    p.scan(task(i)).then(
      () => 'done',
      (e: unknown) => (e as Error).message,
    ),
  );
  expect(p.waiting).toBe(3);
  await new Promise((r) => setImmediate(r)); // the first two reach Piscina
  expect(p.submitted).toBe(2);
  await p.close();
  const results = await Promise.all(all);
  expect(results.filter((r) => r === 'the scan pool is closed')).toHaveLength(3);
  expect(p.waiting).toBe(0);
});

it('rejects a bad tasksPerThread', () => {
  expect(() => new ScanPool({ threads: 1, tasksPerThread: 0 })).toThrow(/tasksPerThread must be a whole number >= 1/);
});
