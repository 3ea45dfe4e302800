// The on-thread inflate gives exactly gunzip's bytes (multi-member, exact multiples of its buffer,
// empty) through one reused buffer, and fails like zlib on truncated or corrupt input.
import { gzipSync, gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { inflateSync } from '../dist/pool/inflate-sync.js';

function inflate(input: Uint8Array, size = 1024): Buffer {
  const pieces: Buffer[] = [];
  const out = Buffer.alloc(size);
  expect(inflateSync(input, out, (p) => pieces.push(Buffer.from(p)))).toBe(true);
  return Buffer.concat(pieces);
}

const text = Buffer.from(Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}\n`).join(''));

it('inflates one member, several members, and an exact multiple of the buffer', () => {
  expect(inflate(gzipSync(text))).toEqual(text);
  expect(inflate(Buffer.concat([gzipSync(text), gzipSync('tail\n')]))).toEqual(
    Buffer.concat([text, Buffer.from('tail\n')]),
  );
  const exact = Buffer.alloc(4096, 'a');
  expect(inflate(gzipSync(exact), 1024)).toEqual(exact);
  expect(inflate(gzipSync(Buffer.alloc(0)))).toEqual(Buffer.alloc(0));
});

it('fails like gunzip on a truncated or corrupt object', () => {
  const full = gzipSync(text);
  const truncated = full.subarray(0, full.length >> 1);
  expect(() => gunzipSync(truncated)).toThrow('unexpected end of file');
  expect(() => inflate(truncated)).toThrow('unexpected end of file');
  const corrupt = Buffer.concat([full.subarray(0, 10), Buffer.from('not deflate data at all')]);
  expect(() => inflate(corrupt)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^Z_/) }));
});
