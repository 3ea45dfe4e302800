// The WebAssembly kernel and the JavaScript scanner give the same digest, counters and malformed
// samples (file:line) for any object, however it is chunked, with or without a window.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { objectArb } from './support/flowlog.js';
import { expectKernelAgrees, scanInChunks } from './support/scan-chunks.js';

const kernel = WasmKernel.load();

it('loads in this runtime', () => {
  expect(kernel).not.toBeNull();
});

it('kernel and JavaScript agree on any object, chunking and window', () => {
  const window = fc.option(fc.tuple(fc.integer({ min: 990, max: 1110 }), fc.integer({ min: 1, max: 80 })), {
    nil: undefined,
  });
  fc.assert(
    fc.property(
      fc.array(objectArb, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 300 }),
      window,
      (objects, chunk, w) => {
        const text = objects.map((o) => o.text).join('\n');
        const opts = w === undefined ? {} : { windowStart: w[0], windowEnd: w[0] + w[1] };
        expectKernelAgrees(kernel, (k) => scanInChunks(text, chunk, k, opts));
      },
    ),
    { numRuns: 300 },
  );
});
