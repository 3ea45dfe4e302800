// The kernel reads a record's number fields eight digits at a time (scan.c digits8). Whatever a
// number field holds (1 to 17 characters, digits or any other ASCII byte at any place, leading
// zeros, values up to 15 digits and past them), the kernel's digest, counters and malformed
// samples are JavaScript's: a field it cannot read exactly goes to JavaScript, which decides.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { expectKernelAgrees, scanInChunks } from './support/scan-chunks.js';

const kernel = WasmKernel.load();

// Mostly digits, now and then any printable ASCII byte (the kernel is handed ASCII only).
const numberish = fc
  .array(
    fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...'0123456789') },
      { weight: 1, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) },
    ),
    {
      minLength: 1,
      maxLength: 17,
    },
  )
  .map((cs) => cs.join(''));

// A port or protocol padded with zeros to eight characters: the kernel then takes the line even
// where a short field of it would be misread (a short port misread is past 65535 and goes to
// JavaScript, hiding the error).
const small = fc.oneof(
  numberish,
  numberish.map((n) => n.slice(0, 3).padStart(8, '0')),
);

// Fields 5..12 of a v2 record: srcport dstport protocol packets bytes start end action status.
const record = fc
  .record({
    sport: small,
    dport: small,
    proto: small,
    packets: numberish,
    bytes: numberish,
    start: numberish,
    end: numberish,
  })
  .map(
    (r) =>
      `2 123456789012 eni-0a1 10.0.0.1 10.0.0.2 ${r.sport} ${r.dport} ${r.proto} ${r.packets} ${r.bytes} ${r.start} ${r.end} ACCEPT OK`,
  );

it('loads in this runtime', () => {
  expect(kernel).not.toBeNull();
});

it('kernel and JavaScript agree on any number field', () => {
  fc.assert(
    fc.property(fc.array(record, { minLength: 1, maxLength: 40 }), fc.integer({ min: 7, max: 400 }), (lines, chunk) => {
      const text = `${lines.join('\n')}\n`;
      expectKernelAgrees(kernel, (k) => scanInChunks(text, chunk, k));
    }),
    { numRuns: 300 },
  );
});

it('reads every length of digits exactly, with a stray byte at every place', () => {
  const lines: string[] = [];
  for (let len = 1; len <= 16; len++) {
    const digits = '9876543210123456'.slice(0, len);
    lines.push(`2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 ${digits} ${digits} 1000 ${digits} ACCEPT OK`);
    lines.push(`2 1 eni-1 10.0.0.1 10.0.0.2 00000001 00000443 00000006 ${digits} ${digits} 1 ${digits} ACCEPT OK`);
    for (let at = 0; at < len; at++)
      for (const stray of ['/', ':', '.', '-', 'a', '\u007f'])
        lines.push(
          `2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 ${digits.slice(0, at)}${stray}${digits.slice(at + 1)} 5 6 ACCEPT OK`,
        );
  }
  const text = `${lines.join('\n')}\n`;
  expect(expectKernelAgrees(kernel, (k) => scanInChunks(text, 1 << 16, k))).toBe(true);
});
