// The kernel sort's radix paths (scan.c sort_words / sort_group / radix_pairs) against
// digest/order.ts: groups of at least RADIX_MIN (256) entries that share many 8-byte words, keys
// that differ only deep in the tail or only in a number's low byte, words that differ in every
// byte (every radix pass taken), tables on both sides of the ranked-prefix switch (at most a
// quarter as many distinct (account, interface) prefixes as entries), and tiny tables.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { canonicalOrder, compareEntries } from '../dist/digest/order.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import type { DigestTable } from '../dist/table/table.js';
import { type SortEntry, tableOf } from './support/sort-table.js';

const kernel = WasmKernel.load();

type Entry = SortEntry;

function expectCanonical(t: DigestTable): void {
  const order = kernel!.order(t)!;
  expect(order).not.toBeNull();
  expect(Array.from(order)).toEqual(Array.from(canonicalOrder(t)));
  for (let i = 1; i < order.length; i++) expect(compareEntries(t, order[i - 1], t, order[i])).toBeLessThan(0);
}

const bytes = (s: string) => Array.from(new TextEncoder().encode(s));
// Long fields every entry of a group shares: 3 to 6 words of equal encoded bytes.
const longShared = fc.constantFrom(
  bytes('10.38.41.219'),
  bytes('10.38.41.21'),
  bytes('2600:1f18:982d:a13:8540:d8b3:dd9d:d0ba'),
  bytes('2600:1f18:982d:a13:8540:d8b3:dd9d:d0b'),
  [0, 0, 0, 0, 0, 0, 0, 0, 0],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
);
const anyByte = fc.integer({ min: 0, max: 255 });
const lowNum = fc.integer({ min: -1, max: 300 });
const anyNum = fc.oneof(
  fc.constant(-1),
  fc.integer({ min: 0, max: 0x7fffffff }),
  fc.integer({ min: -0x80000000, max: -2 }),
);

it('loads in this runtime', () => {
  expect(kernel).not.toBeNull();
});

it('orders big groups sharing long prefixes that differ only in numbers or deep in the tail', () => {
  // Few accounts and interfaces (ranked), long shared addresses: groups of hundreds of entries
  // whose words agree for 40+ bytes; they differ in a port's low byte or the tail's last byte.
  const entry = fc.record({
    fields: fc.tuple(
      fc.constantFrom(bytes('123456789012'), bytes('12345678901')),
      fc.constantFrom(bytes('eni-0a'), bytes('eni-0b'), bytes('eni-0')),
      longShared,
      longShared,
      fc.constantFrom(bytes('ACCEPT'), bytes('ACCEPTED'), bytes('ACCEPT\u0000'), bytes('REJECT'), []),
    ),
    sp: lowNum,
    dp: lowNum,
    pr: fc.constantFrom(6, 17),
  });
  fc.assert(
    fc.property(
      fc.array(entry, { minLength: 300, maxLength: 3000 }).map((a) => a.map((e) => ({ ...e, fields: [...e.fields] }))),
      (entries) => expectCanonical(tableOf(entries)),
    ),
    { numRuns: 25 },
  );
});

it('orders keys whose words differ in every byte (every radix pass) on both sides of the rank switch', () => {
  // Random bytes in every field and any Int32 in the numbers; the number of distinct prefixes
  // drawn from a pool of `pool`: a few (ranked) or as many as the entries (not ranked).
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2000 }),
      fc.array(
        fc.record({
          p: fc.nat(),
          f: fc.array(fc.array(anyByte, { maxLength: 12 }), { minLength: 3, maxLength: 3 }),
          sp: anyNum,
          dp: anyNum,
          pr: anyNum,
        }),
        { minLength: 256, maxLength: 2500 },
      ),
      (pool, raw) => {
        const entries = raw.map(({ p, f, sp, dp, pr }) => ({
          fields: [bytes(String(p % pool)), [(p % pool) & 0xff, 1], ...f],
          sp,
          dp,
          pr,
        }));
        expectCanonical(tableOf(entries));
      },
    ),
    { numRuns: 20 },
  );
});

it('orders groups just below, at and above the radix threshold (256 entries sharing a word)', () => {
  for (const size of [11, 12, 13, 255, 256, 257, 1000]) {
    // `size` entries share their first 24 encoded bytes and differ in the bytes after.
    const entries: Entry[] = [];
    for (let i = 0; i < size; i++) {
      const j = (i * 7919) % size;
      entries.push({
        fields: [bytes('1'), bytes('eni'), bytes('10.0.0.1'), [j >> 8, j & 0xff], bytes('A')],
        sp: 1,
        dp: 2,
        pr: 6,
      });
      entries.push({ fields: [bytes('1'), bytes('eni'), bytes('10.0.0.2'), [1], bytes('A')], sp: j, dp: -1, pr: 6 });
    }
    // Others around them, so the ranked prefixes hold more than one group.
    for (let i = 0; i < 64; i++)
      entries.push({ fields: [bytes(`${i}`), bytes('eni'), [i], [], []], sp: i, dp: i, pr: 1 });
    expectCanonical(tableOf(entries));
  }
});

it('orders tiny tables (0 to 3 entries) and tables of one repeated shape', () => {
  const entry = fc.record({
    fields: fc.array(fc.array(fc.constantFrom(0, 1, 0xff, 0x41), { maxLength: 3 }), { minLength: 5, maxLength: 5 }),
    sp: fc.constantFrom(-1, 0, 1),
    dp: fc.constantFrom(-1, 0, 1),
    pr: fc.constantFrom(-1, 0, 1),
  });
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 3 }), (entries) => expectCanonical(tableOf(entries))),
    { numRuns: 300 },
  );
  // 4096 entries that differ only in the last number: one group all the way down to the numbers.
  const same: Entry[] = Array.from({ length: 4096 }, (_, i) => ({
    fields: [
      bytes('123456789012'),
      bytes('eni-0123456789abcdef0'),
      bytes('10.1.2.3'),
      bytes('10.3.2.1'),
      bytes('ACCEPT'),
    ],
    sp: 443,
    dp: 1024 + ((i * 2654435761) >>> 20),
    pr: i & 1 ? 6 : 17,
  }));
  expectCanonical(tableOf(same));
});
