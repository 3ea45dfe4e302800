// Aborting the prefetcher's signal cancels the reads in flight, stops the listing, and ends
// the consumer's loop with AbortError.
import { expect, it } from 'vitest';
import { AbortError, prefetch } from '../dist/index.js';

it('cancels reads in flight and rejects the consumer with AbortError', async () => {
  const controller = new AbortController();
  let listed = 0,
    cancelled = 0,
    started = 0;
  const refs = (async function* () {
    for (let i = 0; i < 1000; i++) {
      listed++;
      yield { id: i, size: 1 };
    }
  })();
  const read = (_ref: { id: number }, signal: AbortSignal) =>
    new Promise<Uint8Array>((resolve, reject) => {
      started++;
      if (started <= 3) {
        setTimeout(() => resolve(new Uint8Array(1)), 1);
        return;
      }
      // Later reads hang until cancelled (like readFile, they honour a signal aborted already).
      if (signal.aborted) {
        cancelled++;
        reject(signal.reason);
        return;
      }
      signal.addEventListener(
        'abort',
        () => {
          cancelled++;
          reject(signal.reason);
        },
        { once: true },
      );
    });
  let received = 0;
  const err = await (async () => {
    for await (const item of prefetch(refs, read, { concurrency: 4, maxBytes: 1e6, signal: controller.signal })) {
      item.release();
      if (++received === 2) controller.abort(new Error('stop'));
    }
  })().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AbortError);
  expect(cancelled).toBeGreaterThan(0);
  expect(cancelled).toBe(started - 3);
  expect(listed).toBeLessThan(20);
}, 10_000);

it('rejects at once with an already-aborted signal and reads nothing', async () => {
  let reads = 0;
  const refs = (async function* () {
    yield { size: 1 };
  })();
  const run = async () => {
    for await (const item of prefetch(
      refs,
      async () => {
        reads++;
        return new Uint8Array(1);
      },
      { concurrency: 2, maxBytes: 10, signal: AbortSignal.abort() },
    ))
      item.release();
  };
  await expect(run()).rejects.toBeInstanceOf(AbortError);
  expect(reads).toBe(0);
});
