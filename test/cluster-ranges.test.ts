// Range-partitioned merging, as the cluster runs it: splitters from a sample of the input, every
// part's digest cut at them, each range merged on its own, the ranges concatenated: equals the
// digest of the whole, for any parts, any sample and any number of ranges.
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { chooseSplitters, concatRanges, splitDigest } from '../dist/cluster/ranges.js';
import { createDigester, Digest, digestToString } from '../dist/index.js';
import { objectArb, sourceOf } from './support/flowlog.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());

it('split at sampled splitters, merged per range, concatenated = the whole digest', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(objectArb, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 6 }),
      fc.nat(),
      async (groups, ranges, pick) => {
        const sources = () => groups.map((g, i) => sourceOf(g, `p${i}-`));
        const whole = await digester.digest(sources());
        const parts = await Promise.all(groups.map((g, i) => digester.digest([sourceOf(g, `p${i}-`)])));
        const splitters = chooseSplitters(parts[pick % parts.length], ranges).onlyRun();
        const cut = parts.map((p) => splitDigest(p, splitters));
        const merged = concatRanges(cut[0].map((_, r) => Digest.mergeSorted(cut.map((c) => c[r]))));
        expect(digestToString(merged)).toBe(digestToString(whole));
        expect(merged.size).toBe(whole.size);
        expect(merged.stats.records).toBe(whole.stats.records);
      },
    ),
    { numRuns: 50 },
  );
});
