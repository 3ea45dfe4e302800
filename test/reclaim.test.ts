// A thread that reports dropping RECLAIM_BYTES collects once the current task returns: the
// buffers it dropped are then gone (seen through a WeakRef), and the count starts again.
import { setImmediate as tick } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { dropped, owedBytes, RECLAIM_BYTES } from '../dist/util/reclaim.js';

function dropBuffer(): WeakRef<ArrayBuffer> {
  return new WeakRef(new ArrayBuffer(1 << 20));
}

it('collects after the task once the bytes dropped pass the threshold, not before', async () => {
  await tick();
  await tick();
  const before = owedBytes();
  dropped(RECLAIM_BYTES - before - 1);
  await tick();
  expect(owedBytes()).toBe(RECLAIM_BYTES - 1);
  const ref = dropBuffer();
  dropped(1);
  // Not in this task: its own references may still be live.
  expect(owedBytes()).toBe(RECLAIM_BYTES);
  await tick();
  await tick();
  expect(owedBytes()).toBe(0);
  expect(ref.deref()).toBeUndefined();
});

it('leaves no `gc` global to contexts made after it collected', async () => {
  const { runInNewContext } = await import('node:vm');
  dropped(RECLAIM_BYTES);
  await tick();
  await tick();
  expect(owedBytes()).toBe(0);
  expect(runInNewContext('typeof gc')).toBe('undefined');
});

it('ignores nothing dropped', () => {
  const before = owedBytes();
  dropped(0);
  dropped(-5);
  dropped(Number.NaN);
  expect(owedBytes()).toBe(before);
});

it('collects in a worker thread too (where the run tables and objects are dropped)', async () => {
  const { Worker } = await import('node:worker_threads');
  const url = new URL('../dist/util/reclaim.js', import.meta.url).href;
  const code = `
import { dropped, owedBytes, RECLAIM_BYTES } from ${JSON.stringify(url)};
import { parentPort } from 'node:worker_threads';
const ref = new WeakRef(new ArrayBuffer(1 << 20));
dropped(RECLAIM_BYTES);
setImmediate(() => setImmediate(() => parentPort.postMessage({ owed: owedBytes(), freed: ref.deref() === undefined })));
`;
  const w = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
  try {
    const reply = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(reply).toEqual({ owed: 0, freed: true });
  } finally {
    await w.terminate();
  }
});
