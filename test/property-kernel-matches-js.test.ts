// The WebAssembly kernel and the JavaScript scanner give the same digest, counters and malformed
// samples (file:line) for any object, however it is chunked, with or without a window.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Digest, digestToString, emptyStats } from '../dist/index.js';
import { DigestTable } from '../dist/table/table.js';
import { Scanner } from '../dist/format/scanner.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { objectArb } from './support/flowlog.js';

const kernel = WasmKernel.load();

function scan(text: string, chunk: number, useKernel: boolean, window: { windowStart?: number; windowEnd?: number }) {
  const table = new DigestTable(16);
  const s = new Scanner(table, {
    key: 'obj',
    strict: false,
    maxSamples: 50,
    filter: window,
    kernel: useKernel ? kernel : null,
  });
  const bytes = Buffer.from(text);
  for (let o = 0; o < bytes.length; o += chunk) s.push(bytes.subarray(o, Math.min(bytes.length, o + chunk)));
  s.end();
  const d = new Digest(table, { ...emptyStats(), ...s.counters });
  return {
    text: digestToString(d),
    counters: { ...s.counters, samples: s.counters.samples.map((m) => `${m.line}:${m.reason}`) },
    lineNo: s.lineNo,
  };
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
