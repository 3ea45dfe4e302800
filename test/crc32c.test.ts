// CRC-32C (src/util/crc32c.ts): the published check value, and the sliced computation agrees
// with the plain bit-by-bit definition for any bytes and any split of them.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { crc32c } from '../dist/util/crc32c.js';

/** The definition: bit by bit, reflected polynomial 0x82F63B78. */
function reference(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

it('has the check value of "123456789" (0xE3069283) and of 32 zero bytes (0x8A9136AA)', () => {
  expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  expect(crc32c(new Uint8Array(0))).toBe(0);
});

it('property: agrees with the bit-by-bit definition, whole or continued across a split', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, cut) => {
      const want = reference(bytes);
      expect(crc32c(bytes)).toBe(want);
      const at = cut % (bytes.length + 1);
      expect(crc32c(bytes.subarray(at), crc32c(bytes.subarray(0, at)))).toBe(want);
    }),
    { numRuns: 300 },
  );
});
