// Aborting a run mid-way rejects it with AbortError, and the digester still closes cleanly.
import { afterAll, expect, it } from 'vitest';
import { AbortError, createDigester, digestToString } from '../dist/index.js';
import { lines, MemorySource, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 2, prefetchConcurrency: 2 });
afterAll(() => digester.close());

const objects = Array.from({ length: 20 }, (_, i) => ({
  key: `o${i}`,
  body: lines(...Array.from({ length: 2000 }, (_, j) => rec({ srcport: 40000 + j, srcaddr: `10.0.${i}.1` }))),
}));

it('rejects with AbortError when aborted after the first object', async () => {
  const controller = new AbortController();
  let done = 0;
  const run = digester.digest([new MemorySource(objects)], {
    signal: controller.signal,
    onProgress: (p) => {
      done = p.objectsDone;
      if (p.objectsDone >= 1) controller.abort(new Error('user stop'));
    },
  });
  const err = await run.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AbortError);
  expect(err).toMatchObject({ code: 'FD_ERR_ABORTED', name: 'AbortError' });
  expect(done).toBeLessThan(objects.length);
});

it('can digest again after an aborted run, then close', async () => {
  const controller = new AbortController();
  await digester
    .digest([new MemorySource(objects)], {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.objectsDone >= 1) controller.abort();
      },
    })
    .catch(() => undefined);
  const d = await digester.digest([new MemorySource(objects.slice(0, 2))]);
  expect(d.stats.digested).toBe(4000);
  expect(digestToString(d).split('\n')).toHaveLength(2 + 2);
  await expect(digester.close()).resolves.toBeUndefined();
});
