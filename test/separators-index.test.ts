import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexSeparators } from '../dist/format/separators.js';

// The SWAR index must equal a plain byte loop for every byte value, length and alignment.
function naive(buf: Uint8Array, s: number, e: number): number[] {
  const out: number[] = [];
  for (let i = s; i < e; i++) if (buf[i] === 32) out.push(i); else if (buf[i] === 10) out.push(-1 - i);
  return out;
}

describe('indexSeparators', () => {
  it('equals a byte loop on any bytes, range and alignment', () => {
    const byte = fc.oneof(fc.constantFrom(32, 10, 0x20 ^ 0x80, 0x0a ^ 0x80, 33, 11, 9, 31, 0, 255), fc.integer({ min: 0, max: 255 }));
    fc.assert(fc.property(fc.array(byte, { maxLength: 200 }), fc.nat(7), fc.nat(200), fc.nat(200), (bytes, offset, x, y) => {
      const backing = new Uint8Array(bytes.length + 8);
      backing.set(bytes, offset);
      const buf = backing.subarray(offset, offset + bytes.length);
      const s = Math.min(x, y, bytes.length), e = Math.min(Math.max(x, y), bytes.length);
      const out = new Int32Array(Math.max(1, e - s));
      const n = indexSeparators(buf, s, e, out);
      expect([...out.subarray(0, n)]).toEqual(naive(buf, s, e));
    }), { numRuns: 500 });
  });
});
