// The engine's text digest and counters equal the naive reference digester's on random input:
// colliding keys, IPv6, `unknown` accounts, `-` and 0 ports, 17-20 digit counts, NODATA,
// SKIPDATA, malformed and blank lines, custom header orders, CRLF, gzip.
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { objectArb, refInputs, sourceOf } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());

const COUNTERS = [
  'lines',
  'records',
  'digested',
  'nodata',
  'skipdata',
  'malformed',
  'blank',
  'filtered',
  'headers',
] as const;

it('engine text and counters equal referenceDigest', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(objectArb, { minLength: 1, maxLength: 4 }), async (objects) => {
      const d = await digester.digest([sourceOf(objects)]);
      const ref = referenceDigest(refInputs(objects));
      expect(digestToString(d)).toBe(ref.text);
      expect(Object.fromEntries(COUNTERS.map((k) => [k, d.stats[k]]))).toEqual(ref.stats);
    }),
    { numRuns: 60 },
  );
});

it('engine NDJSON rows equal referenceDigest', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(objectArb, { minLength: 1, maxLength: 3 }), async (objects) => {
      const d = await digester.digest([sourceOf(objects)]);
      const rows = digestToString(d, 'ndjson').split('\n').slice(0, -2); // drop the stats line and final ''
      expect(rows).toEqual(referenceDigest(refInputs(objects)).ndjsonRows);
    }),
    { numRuns: 30 },
  );
});

it('with a time window, engine equals referenceDigest (formats that carry `end`)', async () => {
  const withEnd = objectArb.filter((o) => o.fields.includes('end'));
  const window = fc.tuple(fc.integer({ min: 990, max: 1110 }), fc.integer({ min: 1, max: 80 }));
  await fc.assert(
    fc.asyncProperty(fc.array(withEnd, { minLength: 1, maxLength: 3 }), window, async (objects, [start, len]) => {
      const d = await digester.digest([sourceOf(objects)], {
        start: new Date(start * 1000),
        end: new Date((start + len) * 1000),
      });
      const ref = referenceDigest(refInputs(objects), { start, end: start + len });
      expect(digestToString(d)).toBe(ref.text);
      expect(Object.fromEntries(COUNTERS.map((k) => [k, d.stats[k]]))).toEqual(ref.stats);
    }),
    { numRuns: 40 },
  );
});
