// A kernel that runs out of memory hands the rest of the object to the JavaScript scanner: the
// digest, counters, samples and line numbers are those of a pure-JavaScript scan, whether it runs
// out mid-object (its table cannot grow) or at the start (no room for a first table).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { FlowdigestError, InvalidOptionError, KernelError } from '../dist/index.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { KERNEL_INPUT_BYTES } from '../dist/table/contract.js';
import { objectArb, rec } from './support/flowlog.js';
import { expectKernelAgrees, scanInChunks } from './support/scan-chunks.js';

const MiB = 1 << 20;
const unlimited = WasmKernel.load();
// Its first table (16384 slots) fits in 2 MiB; the first doubling, at 8192 rows, does not.
const small = WasmKernel.load({ memoryLimit: 2 * MiB });
// No room even for the first table.
const tiny = WasmKernel.load({ memoryLimit: MiB });

/** `n` conversations, one record each, then `tail`. */
function manyKeys(n: number, tail = ''): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(rec({ srcaddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, packets: i % 7, bytes: i }));
  return `${out.join('\n')}\n${tail}`;
}

it('loads the limited kernels', () => {
  expect(unlimited).not.toBeNull();
  expect(small).not.toBeNull();
  expect(tiny).not.toBeNull();
});

it('out of memory mid-object: the kernel keeps the rows it had, JavaScript scans the rest', () => {
  const text = manyKeys(20_000, `${rec({ srcport: 'x' })}\n\n${rec({ 'log-status': 'NODATA' })}\n`);
  const js = scanInChunks(text, 1 << 20, null);
  expect(js.counters.digested).toBe(20_000);
  expect(js.counters.malformed).toBe(1);
  for (const chunk of [1 << 20, 65_536, 4_099]) {
    expect(scanInChunks(text, chunk, small)).toEqual(js);
    // The fallback happened: the kernel's table stopped below its first doubling.
    const kernelRows = small!.table().size;
    expect(kernelRows).toBeGreaterThan(0);
    expect(kernelRows).toBeLessThan(8192);
    expect(scanInChunks(text, chunk, unlimited)).toEqual(js);
    // Unlimited, the same kernel grows past that (the object's first window is JavaScript's:
    // it may start with a header).
    expect(unlimited!.table().size).toBeGreaterThan(8192);
  }
});

it('out of memory at the start: the whole object is scanned in JavaScript', () => {
  const text = manyKeys(3_000);
  const js = scanInChunks(text, 1 << 20, null, { windowStart: 0, windowEnd: 2_000 });
  expect(js.counters.digested).toBe(3_000);
  expect(scanInChunks(text, 1 << 20, tiny, { windowStart: 0, windowEnd: 2_000 })).toEqual(js);
});

it('a limited kernel agrees with JavaScript on any object after the limit is hit', () => {
  const window = fc.option(fc.tuple(fc.integer({ min: 990, max: 1110 }), fc.integer({ min: 1, max: 80 })), {
    nil: undefined,
  });
  // Past the first doubling even when the first 256 KiB window is JavaScript's.
  const prefix = manyKeys(13_000);
  fc.assert(
    fc.property(objectArb, fc.integer({ min: 500, max: 70_000 }), window, (object, chunk, w) => {
      const text = prefix + object.text;
      const opts = w === undefined ? {} : { windowStart: w[0], windowEnd: w[0] + w[1] };
      // The object's header follows the prefix's lines: a later header switches the format, and
      // one that cannot serve the window fails the object, on both paths alike.
      const scanned = expectKernelAgrees(small, (k) => scanInChunks(text, chunk, k, opts));
      if (scanned && w === undefined) expect(small!.table().size).toBeLessThan(8192);
    }),
    { numRuns: 25 },
  );
});

it('kernel errors are FlowdigestErrors with codes', () => {
  for (const memoryLimit of [0, -1, 1.5, 2 ** 32]) {
    const err = (() => {
      try {
        WasmKernel.load({ memoryLimit });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(InvalidOptionError);
    expect((err as FlowdigestError).code).toBe('FD_ERR_INVALID_OPTION');
    expect((err as FlowdigestError).field).toBe('memoryLimit');
  }
  const big = new Uint8Array(KERNEL_INPUT_BYTES + 1).fill(10);
  const err = (() => {
    try {
      unlimited!.scan(big, 0, big.length);
    } catch (e) {
      return e;
    }
    return null;
  })();
  expect(err).toBeInstanceOf(KernelError);
  expect(err).toBeInstanceOf(FlowdigestError);
  expect((err as FlowdigestError).code).toBe('FD_ERR_KERNEL');
  expect((err as Error).message).toMatch(/must fit the kernel's 262144-byte input/);
  const shortBuf = new Uint8Array(100).fill(10);
  expect(() => unlimited!.scan(shortBuf, 10, 20, 30)).toThrow(KernelError);
});
