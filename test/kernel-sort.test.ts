// The kernel's sort (WasmKernel.order: byte-comparable encoded keys, a radix sort on 8-byte
// words) puts a run table in exactly the order of digest/order.ts (canonicalOrder, and compareEntries pairwise),
// for any keys: shared and prefix heads, NUL and 0xFF bytes inside fields, absent numbers, tables
// of 0 to a few thousand entries (both sides of canonicalOrder's 1024-entry switch to radix passes).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { canonicalOrder, compareEntries } from '../dist/digest/order.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { tableOf } from './support/sort-table.js';
import { DEFAULT_KEY, sortShape } from '../dist/table/key-schema.js';

const kernel = WasmKernel.load();

it('loads in this runtime', () => {
  expect(kernel).not.toBeNull();
});

// Few distinct bytes, so keys share prefixes, heads are prefixes of heads and values tie often.
const byte = fc.constantFrom(0, 1, 0x2e, 0x30, 0x31, 0x61, 0xfe, 0xff);
const field = fc.array(byte, { maxLength: 5 });
const num = fc.constantFrom(-1, 0, 1, 2, 80, 443, 65535);
const entry = fc.record({ fields: fc.array(field, { minLength: 5, maxLength: 5 }), sp: num, dp: num, pr: num });

it('orders any table as canonicalOrder does', () => {
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 200 }), (entries) => {
      const t = tableOf(entries);
      const order = kernel!.order(t)!;
      expect(Array.from(order)).toEqual(Array.from(canonicalOrder(t)));
      for (let i = 1; i < order.length; i++) expect(compareEntries(t, order[i - 1], t, order[i])).toBeLessThan(0);
    }),
    { numRuns: 400 },
  );
});

it('orders tables past the radix switch (1024 entries) as canonicalOrder does', () => {
  fc.assert(
    fc.property(fc.array(entry, { minLength: 1024, maxLength: 3000 }), (entries) => {
      const t = tableOf(entries);
      expect(Array.from(kernel!.order(t)!)).toEqual(Array.from(canonicalOrder(t)));
    }),
    { numRuns: 12 },
  );
});

/**
 * The kernel orders tables of 64 to `most` entries whose two head fields are drawn from `head`
 * (few values: the kernel ranks those prefixes) and the other three from `body`, as
 * canonicalOrder does.
 */
function ordersRankedLikeJavaScript(head: fc.Arbitrary<number[]>, body: fc.Arbitrary<number[]>, most: number): void {
  const ranked = fc.record({
    fields: fc.tuple(head, head, body, body, body).map((f) => [...f]),
    sp: num,
    dp: num,
    pr: num,
  });
  fc.assert(
    fc.property(fc.array(ranked, { minLength: 64, maxLength: most }), (entries) => {
      const t = tableOf(entries);
      expect(Array.from(kernel!.order(t)!)).toEqual(Array.from(canonicalOrder(t)));
    }),
    { numRuns: 60 },
  );
}

it('orders tables whose keys share a few (account, interface) prefixes (the ranked-prefix path)', () => {
  // Few distinct prefixes among at least 64 entries: the kernel ranks them. Prefixes that are
  // prefixes of each other's bytes ('1' and '10', '' and a NUL) must still order exactly.
  const head = fc.constantFrom<number[]>([], [0x31], [0x31, 0x30], [0], [0xff], [0x31, 0]);
  ordersRankedLikeJavaScript(head, field, 600);
});

it('orders keys of long fields: whole vectors of bytes, and prefixes and tails of 255 bytes and more', () => {
  // The encoding reads key bytes sixteen at a time and remembers where a prefix and a head end
  // while under 255 bytes: fields around 16 and past 255 bytes take every branch of both.
  // (Heads of few values, so that the prefixes are ranked; NULs inside a body's bytes.)
  const solid = (n: number, b: number) => new Array<number>(n).fill(b);
  const long = (n: number, b: number) => Array.from({ length: n }, (_, i) => (i % 37 === 36 ? 0 : b));
  const head = fc.constantFrom<number[]>([0x31], solid(17, 0x31), solid(300, 0x31));
  const body = fc.oneof(
    fc.array(byte, { maxLength: 40 }),
    fc.constantFrom(
      long(16, 0x30),
      long(31, 0xff),
      long(300, 0x61),
      solid(254, 0x61),
      solid(255, 0x61),
      solid(256, 0x62),
    ),
  );
  ordersRankedLikeJavaScript(head, body, 300);
});

it('gives null, not a wrong order, when its memory cannot hold the sort', () => {
  const small = WasmKernel.load({ memoryLimit: 1 << 20 })!;
  const t = tableOf(
    Array.from({ length: 40000 }, (_, i) => ({ fields: [[i & 0xff], [i >> 8], [1], [2], [3]], sp: 1, dp: 2, pr: 6 })),
  );
  expect(small.order(t)).toBeNull();
});

it('reads the v2 key shape from the default schema, and refuses shapes a table cannot hold', () => {
  expect(sortShape(DEFAULT_KEY)).toEqual({ tailFields: 1, numFirst: 3, numCount: 3 });
  const f = (name: string, kind: 'bytes' | 'number') => ({ name, kind });
  expect(sortShape({ fields: [f('a', 'bytes'), f('b', 'bytes')] })).toEqual({
    tailFields: 0,
    numFirst: 3,
    numCount: 0,
  });
  expect(() => sortShape({ fields: [f('a', 'number'), f('b', 'bytes'), f('c', 'number')] })).toThrow(/together/);
  expect(() => sortShape({ fields: ['a', 'b', 'c', 'd'].map((n) => f(n, 'number')) })).toThrow(/at most 3/);
  expect(() => sortShape({ fields: [] })).toThrow(/at least one/);
});
