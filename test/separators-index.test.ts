import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeparatorIndex } from '../dist/format/separators.js';

// The SWAR index must equal a plain byte loop for every byte value, length and alignment.
function naive(buf: Uint8Array, s: number, e: number) {
  const spaces: number[] = [],
    newlines: number[] = [],
    spacesBefore: number[] = [];
  for (let i = s; i < e; i++) {
    if (buf[i] === 32) spaces.push(i);
    else if (buf[i] === 10) {
      newlines.push(i);
      spacesBefore.push(spaces.length);
    }
  }
  return { spaces, newlines, spacesBefore };
}

describe('indexSeparators', () => {
  it('equals a byte loop on any bytes, range and alignment', () => {
    const byte = fc.oneof(
      fc.constantFrom(32, 10, 0x20 ^ 0x80, 0x0a ^ 0x80, 33, 11, 9, 31, 0, 255),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 200 }), fc.nat(7), fc.nat(200), fc.nat(200), (bytes, offset, x, y) => {
        const backing = new Uint8Array(bytes.length + 8);
        backing.set(bytes, offset);
        const buf = backing.subarray(offset, offset + bytes.length);
        const s = Math.min(x, y, bytes.length),
          e = Math.min(Math.max(x, y), bytes.length);
        const ix = new SeparatorIndex(4);
        ix.build(buf, s, e);
        expect({
          spaces: [...ix.spaces.subarray(0, ix.spaceCount)],
          newlines: [...ix.newlines.subarray(0, ix.newlineCount)],
          spacesBefore: [...ix.spacesBefore.subarray(0, ix.newlineCount)],
        }).toEqual(naive(buf, s, e));
      }),
      { numRuns: 500 },
    );
  });
});
