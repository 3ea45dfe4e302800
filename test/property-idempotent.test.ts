// Digesting a text digest again gives the same bytes: digest(digest X) = digest X.
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { createDigester, digestToString } from '../dist/index.js';
import { memory, objectArb, sourceOf } from './support/flowlog.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

it('re-digesting a text digest is a no-op', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(objectArb, { minLength: 1, maxLength: 3 }), async (objects) => {
      const once = digestToString(await digester.digest([sourceOf(objects)]));
      const twice = await digester.digest([memory(once)]);
      expect(digestToString(twice)).toBe(once);
      expect(twice.stats).toMatchObject({ malformed: 0, headers: 1, nodata: 0, skipdata: 0 });
    }),
    { numRuns: 50 },
  );
});
