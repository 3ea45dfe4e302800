// A digest run's steps (list, prefetch, scan, absorb, finish, write) driven one at a time: each
// alone does its part, and driven by hand they give the bytes `digester.digest` gives.
import { PassThrough } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { CorruptObjectError, createDigester, digestToString } from '../dist/index.js';
import { resolveDigesterOptions } from '../dist/engine/options.js';
import { DigestRun, type ListedObject } from '../dist/engine/run.js';
import { ScanPool } from '../dist/pool/pool.js';
import { lines, MemorySource, rec } from './support/flowlog.js';

const opts = resolveDigesterOptions({ threads: 2 });
const pool = new ScanPool({ threads: 2 });
const digester = createDigester({ threads: 2 });
afterAll(async () => {
  await pool.close();
  await digester.close();
});

// Several objects whose conversations overlap, so rows of one slot's partition turn up in scans
// on the other slot and go through absorb.
const source = () =>
  new MemorySource(
    Array.from({ length: 6 }, (_, o) => ({
      key: `o${o}`,
      account: o % 2 === 0 ? '111122223333' : '444455556666',
      body: lines(
        ...Array.from({ length: 300 }, (_, i) =>
          rec({ srcaddr: `10.0.${i % 7}.${(i * 31 + o) % 50}`, dstport: 1000 + (i % 13), bytes: i + o }),
        ),
      ),
    })),
  );

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

it('list: yields only the selected accounts and counts the others as skipped, before any download', async () => {
  const run = new DigestRun(pool, opts, [source()], { accounts: ['444455556666'] });
  const listed = await collect(run.list());
  expect(listed.map((t) => t.ref.key)).toEqual(['o1', 'o3', 'o5']);
  expect(run.stats.listingSkipped).toEqual({ not_selected: 3 });
  expect(run.stats.objects).toBe(0);
});

it('prefetch, scan, settle, finish and write by hand give the bytes of digester.digest', async () => {
  const run = new DigestRun(pool, opts, [source()], {});
  const items = await collect(run.prefetch(run.list()));
  expect(items.map((i) => i.ref.ref.key).sort()).toEqual(['o0', 'o1', 'o2', 'o3', 'o4', 'o5']);
  for (const item of items) await run.scan(item);
  await run.settle();
  expect(run.stats.objects).toBe(6);
  expect(run.stats.lines).toBe(1800);
  const digest = await run.finish();
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await run.write(digest, out, 'text');
  const whole = await digester.digest([source()]);
  expect(Buffer.concat(chunks).toString('utf8')).toBe(digestToString(whole));
  expect(digest.size).toBe(whole.size);
});

it('scan: an unreadable object is skipped with skipBadObjects, and aborts the run without it', async () => {
  const bad = (): { ref: ListedObject; data: null; error: unknown; release: () => void } => ({
    ref: { ref: { key: 'gone', size: 5 }, source: source(), size: 5 },
    data: null,
    error: new CorruptObjectError('gone', 'not gzip'),
    release: () => {},
  });
  const skipping = new DigestRun(pool, opts, [source()], { skipBadObjects: true });
  await skipping.scan(bad());
  expect(skipping.stats.skippedObjects).toEqual([{ key: 'gone', reason: 'gone: corrupt object: not gzip' }]);
  expect(skipping.signal.aborted).toBe(false);

  const strict = new DigestRun(pool, opts, [source()], {});
  await strict.scan(bad());
  expect(strict.stats.skippedObjects).toEqual([]);
  expect(strict.signal.aborted).toBe(true);
  expect(strict.signal.reason).toBeInstanceOf(CorruptObjectError);
});
