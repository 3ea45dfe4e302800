// The exact JSON parser behind merge's slow path reads any JSON text as JSON.parse does (any
// whitespace, the last of repeated keys, escapes), except that integers beyond 2^53 - 1 keep
// every digit as bigints; and it refuses what JSON.parse refuses.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parseJsonExact } from '../dist/util/json.js';

/** JSON.parse's reading of an exact value: bigints rounded as JSON.parse rounds their digits. */
function rounded(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v.toString());
  if (Array.isArray(v)) return v.map(rounded);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}

it('agrees with JSON.parse on any JSON text, compact or indented', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, '\t', ' \r\n '), (value, space) => {
      const text = JSON.stringify(value, null, space as never);
      expect(rounded(parseJsonExact(text))).toEqual(JSON.parse(text));
    }),
    { numRuns: 300 },
  );
});

it('keeps integers beyond 2^53 exact, anywhere, and the last of repeated keys', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }), fc.boolean(), (big, negative) => {
      const n = negative ? -big : big;
      expect(parseJsonExact(`{"a": [1, {"b" : ${n}}], "a" :{"c":${n}} }`)).toEqual({ a: { c: n } });
    }),
  );
  expect(parseJsonExact('9007199254740991')).toBe(9007199254740991);
  expect(parseJsonExact('9007199254740993')).toBe(9007199254740993n);
  expect(parseJsonExact('1e400')).toBe(Infinity);
});

it('refuses what JSON.parse refuses', () => {
  for (const bad of [
    '',
    '{',
    '{"a":1,}',
    '[1,]',
    '01',
    '1.',
    '.5',
    '+1',
    '"\t"',
    '"\\x"',
    'nul',
    '{"a" 1}',
    '1 2',
    '{"a":1}}',
    "'a'",
  ]) {
    expect(() => JSON.parse(bad)).toThrow();
    expect(() => parseJsonExact(bad)).toThrow();
  }
});
