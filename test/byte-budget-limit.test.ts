// ByteBudget never holds more than max, except one oversize request held alone; waiters are
// served in arrival order; abort withdraws a waiter.
import { expect, it } from 'vitest';
import { AbortError, ByteBudget } from '../dist/index.js';

const settled = () => new Promise((r) => setImmediate(r));

it('grants while the total fits and queues the rest until release', async () => {
  const b = new ByteBudget(100);
  await b.acquire(60);
  await b.acquire(40);
  expect(b.inUse).toBe(100);
  let granted = false;
  const p = b.acquire(1).then(() => {
    granted = true;
  });
  await settled();
  expect(granted).toBe(false);
  b.release(40);
  await p;
  expect(b.inUse).toBe(61);
});

it('holds an oversize request only when nothing else is held, and then alone', async () => {
  const b = new ByteBudget(100);
  await b.acquire(10);
  let big = false,
    small = false;
  const pb = b.acquire(500).then(() => {
    big = true;
  });
  const ps = b.acquire(5).then(() => {
    small = true;
  }); // arrives later: must not overtake
  await settled();
  expect([big, small]).toEqual([false, false]);
  b.release(10);
  await pb;
  expect(b.inUse).toBe(500);
  await settled();
  expect(small).toBe(false);
  b.release(500);
  await ps;
  expect(b.inUse).toBe(5);
});

it('never exceeds max under random acquire/release traffic', async () => {
  const b = new ByteBudget(1000);
  let peak = 0,
    peakAlone = 0;
  const sizes = Array.from({ length: 200 }, (_, i) => [37, 400, 999, 1, 250, 1500][i % 6]);
  await Promise.all(
    sizes.map(async (n, i) => {
      await b.acquire(n);
      if (n > 1000) peakAlone = Math.max(peakAlone, b.inUse);
      else peak = Math.max(peak, b.inUse);
      for (let k = 0; k < i % 3; k++) await settled();
      b.release(n);
    }),
  );
  expect(peak).toBeLessThanOrEqual(1000);
  expect(peakAlone).toBe(1500); // the oversize request was alone
  expect(b.inUse).toBe(0);
});

it('rejects an aborted waiter with AbortError and lets the next one in', async () => {
  const b = new ByteBudget(10);
  await b.acquire(10);
  const c = new AbortController();
  const aborted = b.acquire(5, c.signal);
  const next = b.acquire(3);
  c.abort();
  await expect(aborted).rejects.toBeInstanceOf(AbortError);
  b.release(10);
  await next;
  expect(b.inUse).toBe(3);
  await expect(b.acquire(1, AbortSignal.abort())).rejects.toMatchObject({ code: 'FD_ERR_ABORTED' });
});
