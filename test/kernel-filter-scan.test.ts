// The kernel applies the account and region filters itself (they used to send every line of the
// object to JavaScript), counting a record of another account or region as filtered, exactly as
// the JavaScript scanner does: the same digest, counters and malformed samples (file:line) for
// any object, chunking, window and filters, an absent field read as `-`.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { objectArb, V2_FIELDS } from './support/flowlog.js';
import { expectKernelAgrees, scanInChunks } from './support/scan-chunks.js';

const kernel = WasmKernel.load()!;

const filterArb = fc.record(
  {
    accounts: fc.subarray(['111122223333', '444455556666', 'unknown', '-', 'x'.repeat(300), 'naïve€'], {
      minLength: 1,
    }),
    regions: fc.subarray(['eu-west-1', 'us-east-1', '-'], { minLength: 1 }),
  },
  { requiredKeys: [] },
);

it('kernel and JavaScript agree on any object, chunking, window and filters', () => {
  fc.assert(
    fc.property(
      fc.array(objectArb, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 300 }),
      filterArb,
      fc.option(fc.integer({ min: 990, max: 1110 }), { nil: undefined }),
      (objects, chunk, f, ws) => {
        const text = objects.map((o) => o.text).join('\n');
        const filter = {
          ...(f.accounts ? { accounts: new Set(f.accounts) } : {}),
          ...(f.regions ? { regions: new Set(f.regions) } : {}),
          ...(ws === undefined ? {} : { windowStart: ws, windowEnd: ws + 40 }),
        };
        expectKernelAgrees(kernel, (k) => scanInChunks(text, chunk, k, filter));
      },
    ),
    { numRuns: 300 },
  );
});

it('the kernel, not JavaScript, scans an object under an account filter', () => {
  const lines = Array.from(
    { length: 3000 },
    (_, i) =>
      `2 ${i % 3 ? '111122223333' : '444455556666'} eni-1 10.0.${i % 251}.1 10.1.0.2 ${40000 + (i % 7)} 443 6 1 40 100 160 ACCEPT OK`,
  );
  const text = `${V2_FIELDS.join(' ')}\n${lines.join('\n')}\n`;
  const filter = { accounts: new Set(['444455556666']) };
  const js = scanInChunks(text, 1 << 16, null, filter);
  expect(scanInChunks(text, 1 << 16, kernel, filter)).toEqual(js);
  expect(js.counters.filtered).toBe(2000);
  expect(kernel.table().size).toBeGreaterThan(200);
});
