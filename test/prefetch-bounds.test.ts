// prefetch() with an in-memory read: at most `concurrency` reads at once, at most `maxBytes`
// held until release (one oversize object alone), every object delivered exactly once.
import { expect, it } from 'vitest';
import { prefetch } from '../dist/index.js';

interface Ref {
  id: number;
  size: number;
}
const refs = (sizes: number[]) =>
  (async function* () {
    for (const [id, size] of sizes.entries()) yield { id, size };
  })();
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('bounds concurrent reads and delivers every object once', async () => {
  let reading = 0,
    peak = 0;
  const read = async (ref: Ref) => {
    reading++;
    peak = Math.max(peak, reading);
    await tick(1 + (ref.id % 3));
    reading--;
    return new Uint8Array(ref.size);
  };
  const seen: number[] = [];
  for await (const item of prefetch(refs(Array.from({ length: 30 }, () => 10)), read, {
    concurrency: 3,
    maxBytes: 1e9,
  })) {
    seen.push(item.ref.id);
    expect(item.data).toHaveLength(10);
    item.release();
  }
  expect(peak).toBe(3);
  expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
});

it('holds at most maxBytes until the consumer releases, an oversize object alone', async () => {
  const sizes = [40, 30, 50, 20, 120, 10, 60, 35, 5, 45];
  let held = 0,
    peak = 0;
  const heldWithOversize: number[] = [];
  const read = async (ref: Ref) => {
    held += ref.size;
    if (ref.size > 100) heldWithOversize.push(held);
    else peak = Math.max(peak, held);
    await tick(1);
    return new Uint8Array(ref.size);
  };
  const delivered: number[] = [];
  const releases: Promise<void>[] = [];
  for await (const item of prefetch(refs(sizes), read, { concurrency: 4, maxBytes: 100 })) {
    expect(item.error).toBeUndefined();
    delivered.push(item.ref.id);
    // Release a little later, as a worker would: the budget, not the consumer, must stop the reads.
    releases.push(
      tick(3).then(() => {
        held -= item.ref.size;
        item.release();
      }),
    );
  }
  await Promise.all(releases);
  expect(peak).toBeLessThanOrEqual(100);
  expect(peak).toBeGreaterThanOrEqual(70); // reads did overlap
  expect(heldWithOversize).toEqual([120]); // read while nothing else was held
  expect(delivered.sort((a, b) => a - b)).toEqual(sizes.map((_, i) => i));
}, 10_000);
