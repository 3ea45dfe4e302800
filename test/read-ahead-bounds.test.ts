// readAhead lists ahead of its consumer but never holds more than its item or byte bound, passes
// on a listing error, and stops the listing when the consumer stops.
import { expect, it } from 'vitest';
import { readAhead } from '../dist/prefetch/read-ahead.js';

async function* counting(n: number, pulled: { count: number }, failAt = -1) {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw new Error(`listing failed at ${i}`);
    pulled.count++;
    yield i;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

it('holds at most `items` ahead, and yields everything in order', async () => {
  const pulled = { count: 0 };
  const it = readAhead(counting(100, pulled), { items: 5, bytes: Infinity, weigh: () => 0 });
  const first = await it.next();
  await tick();
  expect(first.value).toBe(0);
  expect(pulled.count).toBeLessThanOrEqual(1 + 5 + 1);
  const rest: number[] = [];
  for await (const v of it) rest.push(v);
  expect([first.value, ...rest]).toEqual(Array.from({ length: 100 }, (_, i) => i));
});

it('holds at most `bytes` ahead of items that carry data', async () => {
  const pulled = { count: 0 };
  const it = readAhead(counting(100, pulled), { items: 1000, bytes: 30, weigh: () => 10 });
  await it.next();
  await tick();
  expect(pulled.count).toBeLessThanOrEqual(1 + 3 + 1);
  await it.return(undefined);
});

it('passes on a listing error after the items before it', async () => {
  const seen: number[] = [];
  await expect(
    (async () => {
      for await (const v of readAhead(counting(10, { count: 0 }, 4), { items: 100, bytes: Infinity, weigh: () => 0 }))
        seen.push(v);
    })(),
  ).rejects.toThrow('listing failed at 4');
  expect(seen).toEqual([0, 1, 2, 3]);
});

it('stops listing when the consumer stops', async () => {
  const pulled = { count: 0 };
  for await (const v of readAhead(counting(1_000_000, pulled), { items: 10, bytes: Infinity, weigh: () => 0 }))
    if (v === 2) break;
  const after = pulled.count;
  await tick();
  expect(pulled.count).toBe(after);
  expect(after).toBeLessThan(20);
});
