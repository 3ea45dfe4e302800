// Each object's scan table starts at the size the last object's table reached (clear_like_last):
// objects of any size, in any order, on one kernel, give the digest JavaScript gives, whether the
// table starts larger than the object needs, smaller (it doubles), or cannot have the last size
// for lack of memory (it starts at the first table's size).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { objectArb, rec } from './support/flowlog.js';
import { expectKernelAgrees, scanInChunks } from './support/scan-chunks.js';

const MiB = 1 << 20;
const kernel = WasmKernel.load();
// Room for the first table (16384 slots), not for one sized after 12 k rows.
const limited = WasmKernel.load({ memoryLimit: 2 * MiB });

/** `n` conversations from `seed` on, `repeat` records each, keys differing only in the low octets. */
function manyKeys(n: number, seed: number, repeat: number): string {
  const out: string[] = [];
  for (let r = 0; r < repeat; r++)
    for (let i = seed; i < seed + n; i++)
      out.push(
        rec({ dstaddr: `10.9.${(i >> 8) & 255}.${i & 255}`, srcport: 1024 + (i % 3), packets: i % 5, bytes: r }),
      );
  return `${out.join('\n')}\n`;
}

it('loads the kernels', () => {
  expect(kernel).not.toBeNull();
  expect(limited).not.toBeNull();
});

it('objects of any size in any order on one kernel give the JavaScript digest', () => {
  const part = fc.oneof(
    objectArb.map((o) => o.text),
    fc
      .tuple(fc.integer({ min: 1, max: 14_000 }), fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 1, max: 2 }))
      .map(([n, seed, repeat]) => manyKeys(n, seed, repeat)),
  );
  fc.assert(
    fc.property(
      fc.array(part, { minLength: 2, maxLength: 4 }),
      fc.integer({ min: 4_000, max: 300_000 }),
      (objects, chunk) => {
        for (const text of objects) {
          expectKernelAgrees(kernel, (k) => scanInChunks(text, chunk, k));
        }
      },
    ),
    { numRuns: 25 },
  );
});

it('a table that cannot start at the last size starts at the first size, then falls back to JavaScript', () => {
  // 12 k rows: more than the first table holds, so the limited kernel stops at its first doubling;
  // then a small object, which must start (at the first size) although the last one was larger.
  const big = manyKeys(12_000, 0, 1);
  const small = manyKeys(3_000, 50_000, 2);
  for (const text of [big, small, big, small]) {
    const js = scanInChunks(text, 1 << 20, null);
    expect(scanInChunks(text, 1 << 20, limited)).toEqual(js);
    expect(limited!.table().size).toBeLessThan(8192);
    expect(scanInChunks(text, 1 << 20, kernel)).toEqual(js);
  }
  // The small object was the kernel's (past its first window, which the scanner keeps).
  expect(limited!.table().size).toBeGreaterThan(2_000);
});
