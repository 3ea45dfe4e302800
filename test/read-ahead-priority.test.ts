// With a priority, readAhead hands out the largest held item first (ties in arrival order), still
// within its bounds; every item comes out exactly once whatever the bound.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { readAhead } from '../dist/prefetch/read-ahead.js';

async function* listing<T>(items: readonly T[]) {
  for (const x of items) yield x;
}
const settle = () => new Promise((r) => setTimeout(r, 5));

it('hands out the largest of what is held first, ties in arrival order', async () => {
  const items = [3, 9, 1, 9, 4, 7].map((size, id) => ({ id, size }));
  const it = readAhead(listing(items), { items: 100, bytes: Infinity, weigh: () => 0, priority: (x) => x.size });
  const first = await it.next();
  await settle(); // the whole listing is held now
  const rest = [];
  for await (const x of it) rest.push(x);
  // The first item was handed out before the rest were listed.
  expect(first.value).toEqual({ id: 0, size: 3 });
  expect(rest.map((x) => x.id)).toEqual([1, 3, 5, 4, 2]);
});

it('with any bound, yields every item once, and in size order whatever was held', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }),
      fc.integer({ min: 1, max: 8 }),
      async (sizes, bound) => {
        const items = sizes.map((size, id) => ({ id, size }));
        const out = [];
        for await (const x of readAhead(listing(items), {
          items: bound,
          bytes: Infinity,
          weigh: () => 0,
          priority: (x) => x.size,
        }))
          out.push(x);
        expect(out.map((x) => x.id).sort((a, b) => a - b)).toEqual(items.map((x) => x.id));
        // Holding everything (bound at least the count, consumer slower than the listing), all
        // but the item handed out as the listing started come out in a stable size order.
        if (bound >= items.length && items.length > 0) {
          const it = readAhead(listing(items), {
            items: bound,
            bytes: Infinity,
            weigh: () => 0,
            priority: (x) => x.size,
          });
          const first = (await it.next()).value!;
          await settle();
          const held = [];
          for await (const x of it) held.push(x);
          const sorted = items.filter((x) => x !== first).sort((a, b) => b.size - a.size || a.id - b.id);
          expect(held).toEqual(sorted);
        }
      },
    ),
    { numRuns: 60 },
  );
});
