// The same input gives byte-identical output whatever the thread count, the order of the
// objects, and how the input is split into objects.
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { MemorySource, objectArb, recordArb, V2_FIELDS } from './support/flowlog.js';

const one = createDigester({ threads: 1 });
const two = createDigester({ threads: 2, prefetchConcurrency: 3 });
afterAll(() => Promise.all([one.close(), two.close()]));

const source = (bodies: string[]) => new MemorySource(bodies.map((body, i) => ({ key: `k${i}`, body })));

it('1 vs 2 threads, any object order: byte-identical text and NDJSON', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(objectArb, { minLength: 1, maxLength: 6 }).chain((objs) =>
        fc.tuple(
          fc.constant(objs),
          fc.shuffledSubarray(
            objs.map((_, i) => i),
            { minLength: objs.length },
          ),
        ),
      ),
      async ([objects, order]) => {
        const bodies = objects.map((o) => o.text);
        const a = await one.digest([source(bodies)]);
        const b = await two.digest([source(order.map((i) => bodies[i]))]);
        expect(digestToString(b)).toBe(digestToString(a));
        const rows = (s: string) => s.split('\n').slice(0, -2);
        expect(rows(digestToString(b, 'ndjson'))).toEqual(rows(digestToString(a, 'ndjson')));
        expect(b.stats.samples.length).toBe(a.stats.samples.length);
      },
    ),
    { numRuns: 40 },
  );
});

it('any split of the lines into objects gives the same output', async () => {
  const lineArb = fc.oneof(
    { weight: 9, arbitrary: recordArb.map((r) => V2_FIELDS.map((f) => r[f]).join(' ')) },
    { weight: 1, arbitrary: fc.constant('2 x eni-1 a b 1 2 6 1 1x 1 2 ACCEPT OK') },
  );
  const splitArb = fc
    .array(lineArb, { minLength: 1, maxLength: 60 })
    .chain((ls) =>
      fc.tuple(
        fc.constant(ls),
        fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, ls.length - 1) }), { maxLength: 8 }),
      ),
    );
  await fc.assert(
    fc.asyncProperty(splitArb, async ([ls, cuts]) => {
      const whole = await one.digest([source([ls.map((l) => `${l}\n`).join('')])]);
      const points = [0, ...[...cuts].sort((x, y) => x - y).filter((c) => c < ls.length), ls.length];
      const parts = points.slice(1).map((end, i) =>
        ls
          .slice(points[i], end)
          .map((l) => `${l}\n`)
          .join(''),
      );
      const split = await two.digest([source(parts)]);
      expect(digestToString(split)).toBe(digestToString(whole));
      expect(split.stats).toMatchObject({
        digested: whole.stats.digested,
        malformed: whole.stats.malformed,
        nodata: whole.stats.nodata,
      });
    }),
    { numRuns: 40 },
  );
});
