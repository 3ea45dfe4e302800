// The report's integer-keyed hash map agrees with a Map on any keys below 2^53, through growth.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { NumMap } from '../dist/report/num-map.js';

it('getOrSet, get and forEach agree with a Map', () => {
  const key = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.maxSafeNat());
  fc.assert(
    fc.property(fc.array(fc.tuple(key, fc.integer({ min: 0, max: 2 ** 31 - 1 })), { maxLength: 3000 }), (ops) => {
      const m = new NumMap(4),
        ref = new Map<number, number>();
      for (const [k, v] of ops) {
        const had = ref.get(k);
        expect(m.getOrSet(k, v)).toBe(had ?? -1);
        if (had === undefined) ref.set(k, v);
      }
      expect(m.size).toBe(ref.size);
      for (const [k, v] of ref) expect(m.get(k)).toBe(v);
      expect(m.get(2 ** 53 - 1) === -1 || ref.has(2 ** 53 - 1)).toBe(true);
      const seen = new Map<number, number>();
      m.forEach((k, v) => seen.set(k, v));
      expect(seen).toEqual(ref);
    }),
    { numRuns: 100 },
  );
});

it('the byte interner gives one id per distinct byte string, through growth', async () => {
  const { ByteInterner } = await import('../dist/report/interner.js');
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 6000 }), (names) => {
      const interner = new ByteInterner(),
        ref = new Map<string, number>();
      const bytes = Buffer.from(names.join('\0'), 'latin1');
      let from = 0;
      for (const name of names) {
        const to = from + Buffer.byteLength(name, 'latin1');
        const id = interner.id(bytes, from, to);
        if (!ref.has(name)) ref.set(name, ref.size);
        expect(id).toBe(ref.get(name));
        from = to + 1;
      }
      expect(interner.names).toEqual([...ref.keys()].map((n) => Buffer.from(n, 'latin1').toString('latin1')));
    }),
    { numRuns: 30 },
  );
});
