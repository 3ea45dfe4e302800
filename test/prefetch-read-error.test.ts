// A failed read is delivered as an item with `.error` (data null) and the other objects still
// arrive: the consumer decides what is fatal. A failing listing ends the loop with its error.
import { expect, it } from 'vitest';
import { prefetch } from '../dist/index.js';

it('yields the failed object with .error set and delivers the rest', async () => {
  const refs = (async function* () {
    for (let i = 0; i < 6; i++) yield { id: i, size: 10 };
  })();
  const boom = new Error('read failed');
  const read = async (ref: { id: number }) => {
    if (ref.id === 2) throw boom;
    return new Uint8Array([ref.id]);
  };
  const got: { id: number; data: number | null; error?: unknown }[] = [];
  for await (const item of prefetch(refs, read, { concurrency: 2, maxBytes: 20 })) {
    got.push({
      id: item.ref.id,
      data: item.data === null ? null : item.data[0],
      ...(item.error !== undefined ? { error: item.error } : {}),
    });
    item.release();
  }
  expect(got.sort((a, b) => a.id - b.id)).toEqual([
    { id: 0, data: 0 },
    { id: 1, data: 1 },
    { id: 2, data: null, error: boom },
    { id: 3, data: 3 },
    { id: 4, data: 4 },
    { id: 5, data: 5 },
  ]);
});

it('rejects with the listing error when listing fails', async () => {
  const failure = new Error('listing failed');
  const refs = (async function* () {
    yield { size: 1 };
    throw failure;
  })();
  const run = async () => {
    for await (const item of prefetch(refs, async () => new Uint8Array(1), { concurrency: 2, maxBytes: 10 }))
      item.release();
  };
  await expect(run()).rejects.toBe(failure);
});
