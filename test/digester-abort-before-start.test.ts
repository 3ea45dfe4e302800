// An already-aborted signal rejects the run at once with AbortError; nothing is read.
import { afterAll, expect, it } from 'vitest';
import { AbortError, createDigester, type ObjectRef } from '../dist/index.js';
import { lines, MemorySource, rec } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

class CountingSource extends MemorySource {
  reads = 0;
  override async read(ref: ObjectRef): Promise<Uint8Array> {
    this.reads++;
    return super.read(ref);
  }
}

it('rejects immediately and reads nothing', async () => {
  const source = new CountingSource([
    { key: 'a', body: lines(rec()) },
    { key: 'b', body: lines(rec()) },
  ]);
  const err = await digester
    .digest([source], { signal: AbortSignal.abort(new Error('early')) })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AbortError);
  expect(err).toMatchObject({ code: 'FD_ERR_ABORTED' });
  expect(source.reads).toBe(0);
});

it('still digests with a fresh signal afterwards', async () => {
  const d = await digester.digest([new MemorySource([{ key: 'a', body: lines(rec()) }])], {
    signal: new AbortController().signal,
  });
  expect(d.stats.digested).toBe(1);
});
