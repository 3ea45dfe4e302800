// The kernel's scan takes lines in batches once its table is large (parse a batch, read the rows'
// hash slots together, then count and insert in order). Forced onto small tables here, the batched
// scan gives the JavaScript scanner's digest, counters and malformed samples (file:line) for any
// object, chunking, window and key, and when the table runs out of memory mid-batch.
import fc from 'fast-check';
import { afterEach, expect, it } from 'vitest';
import { parseKeySpec } from '../dist/format/key.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { objectArb, rec } from './support/flowlog.js';
import { assertKernelAgreesOnAnyObject, expectKernelAgrees, scanInChunks } from './support/scan-chunks.js';

const kernel = WasmKernel.load()!;
// Its first table (16384 slots) fits in 2 MiB; the first doubling, at 8192 rows, does not.
const small = WasmKernel.load({ memoryLimit: 2 << 20 })!;

afterEach(() => {
  kernel.setScanBatchFrom(0);
  small.setScanBatchFrom(0);
});

/** `n` conversations, one record each (the i-th also repeated after the first), then `tail`. */
function manyKeys(n: number, tail = ''): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const srcaddr = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    out.push(rec({ srcaddr, packets: i % 7, bytes: i }));
    if (i % 3 === 0) out.push(rec({ srcaddr: `10.0.0.${i % 200}`, packets: 1, bytes: 2 }));
  }
  return `${out.join('\n')}\n${tail}`;
}

it('batched on any table: kernel and JavaScript agree on any object, chunking and window', () => {
  kernel.setScanBatchFrom(1);
  assertKernelAgreesOnAnyObject(kernel, 200);
});

it('batched on any table: kernel and JavaScript agree under a key read by column', () => {
  kernel.setScanBatchFrom(1);
  const keys = ['srcaddr dstaddr action', 'interface-id dstport srcaddr dstaddr protocol', '+action'];
  fc.assert(
    fc.property(
      fc.array(objectArb, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 300 }),
      fc.constantFrom(...keys),
      (objects, chunk, key) => {
        const text = objects.map((o) => o.text).join('\n');
        expectKernelAgrees(kernel, (k) => scanInChunks(text, chunk, k, {}, parseKeySpec(key)));
      },
    ),
    { numRuns: 100 },
  );
});

it("out of memory mid-batch: the rows before it are the kernel's, JavaScript scans the rest", () => {
  small.setScanBatchFrom(1);
  const text = manyKeys(12_000, `${rec({ srcport: 'x' })}\n\n${rec({ 'log-status': 'NODATA' })}\n`);
  const js = scanInChunks(text, 1 << 20, null);
  expect(js.counters.malformed).toBe(1);
  for (const chunk of [1 << 20, 65_536, 4_099]) {
    expect(scanInChunks(text, chunk, small)).toEqual(js);
    const kernelRows = small.table().size;
    expect(kernelRows).toBeGreaterThan(0);
    expect(kernelRows).toBeLessThan(8192);
  }
});

it('at the default threshold, a table past it is scanned in batches and agrees', () => {
  // 140 k keys: the table passes 131072 slots (the default) within the first object.
  const text = manyKeys(140_000);
  const js = scanInChunks(text, 1 << 20, null);
  expect(scanInChunks(text, 1 << 20, kernel)).toEqual(js);
  expect(kernel.table().size).toBeGreaterThan(65_536);
});
