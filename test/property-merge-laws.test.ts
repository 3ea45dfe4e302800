// Digest.merge is associative and commutative, and digest(A ∪ B) = merge(digest A, digest B)
// (compared as text output).
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { createDigester, Digest, digestToString } from '../dist/index.js';
import { objectArb, sourceOf, type ObjectSpec } from './support/flowlog.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());

const digestOf = (objects: ObjectSpec[], prefix: string) => digester.digest([sourceOf(objects, prefix)]);
const inputs = fc.array(objectArb, { minLength: 1, maxLength: 2 });
const text = (d: Digest) => digestToString(d);

it('merge is associative and commutative', async () => {
  await fc.assert(
    fc.asyncProperty(inputs, inputs, inputs, async (a, b, c) => {
      const [da, db, dc] = await Promise.all([digestOf(a, 'a'), digestOf(b, 'b'), digestOf(c, 'c')]);
      const left = Digest.merge(Digest.merge(da, db), dc);
      const right = Digest.merge(da, Digest.merge(db, dc));
      expect(text(left)).toBe(text(right));
      expect(text(Digest.merge(da, db))).toBe(text(Digest.merge(db, da)));
      expect(text(Digest.merge(dc, da, db))).toBe(text(left));
      expect(left.stats.digested).toBe(da.stats.digested + db.stats.digested + dc.stats.digested);
    }),
    { numRuns: 40 },
  );
});

it('digest(A ∪ B) equals merge(digest A, digest B)', async () => {
  await fc.assert(
    fc.asyncProperty(inputs, inputs, async (a, b) => {
      const [da, db] = await Promise.all([digestOf(a, 'a'), digestOf(b, 'b')]);
      const union = await digester.digest([sourceOf(a, 'a'), sourceOf(b, 'b')]);
      const merged = Digest.merge(da, db);
      expect(text(union)).toBe(text(merged));
      expect(digestToString(union, 'ndjson').split('\n').slice(0, -2)).toEqual(
        digestToString(merged, 'ndjson').split('\n').slice(0, -2),
      );
    }),
    { numRuns: 40 },
  );
});
