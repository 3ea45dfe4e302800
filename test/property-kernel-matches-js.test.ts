// The WebAssembly kernel and the JavaScript scanner give the same digest, counters and malformed
// samples (file:line) for any object, however it is chunked, with or without a window.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { objectArb } from './support/flowlog.js';
import { scanInChunks } from './support/scan-chunks.js';

const kernel = WasmKernel.load();

function scan(text: string, chunk: number, useKernel: boolean, window: { windowStart?: number; windowEnd?: number }) {
  return scanInChunks(text, chunk, useKernel ? kernel : null, window);
}

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
        let js;
        try {
          js = scan(text, chunk, false, opts);
        } catch (err) {
          expect(() => scan(text, chunk, true, opts)).toThrow((err as Error).message);
          return;
        }
        expect(scan(text, chunk, true, opts)).toEqual(js);
      },
    ),
    { numRuns: 300 },
  );
});
