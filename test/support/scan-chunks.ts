/** Scan text with one Scanner, fed in chunks of `chunk` bytes: the digest text, counters and line count it ends with. */
import { Digest, digestToString, emptyStats } from '../../dist/index.js';
import { type ScanFilter, Scanner } from '../../dist/format/scanner.js';
import type { WasmKernel } from '../../dist/format/wasm-kernel.js';
import type { KeySpec } from '../../dist/format/key.js';
import { DigestTable } from '../../dist/table/table.js';
import fc from 'fast-check';
import { expect } from 'vitest';
import { objectArb } from './flowlog.js';

export interface ScanResult {
  text: string;
  /** The scan counters, with each malformed sample as `line:reason`. */
  counters: Record<string, unknown> & { malformed: number; samples: string[] };
  lineNo: number;
}

export function scanInChunks(
  input: string | Uint8Array,
  chunk: number,
  kernel: WasmKernel | null,
  window: ScanFilter = {},
  keySpec?: KeySpec,
): ScanResult {
  const table = new DigestTable(16);
  const s = new Scanner(table, {
    key: 'obj',
    strict: false,
    maxSamples: 50,
    filter: window,
    kernel,
    ...(keySpec === undefined ? {} : { keySpec }),
  });
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  for (let o = 0; o < bytes.length; o += chunk) s.push(bytes.subarray(o, Math.min(bytes.length, o + chunk)));
  s.end();
  const d = new Digest(table, { ...emptyStats(), ...s.counters }).withKey(s.keyFields);
  return {
    text: digestToString(d),
    counters: { ...s.counters, samples: s.counters.samples.map((m) => `${m.line}:${m.reason}`) },
    lineNo: s.lineNo,
  };
}

/**
 * The kernel's scan agrees with JavaScript's: `scan(kernel)` gives what `scan(null)` gives, or
 * fails with its message (a header that cannot serve the window, a key field the format lacks).
 * True when both scanned, false when both failed.
 */
export function expectKernelAgrees(
  kernel: WasmKernel | null,
  scan: (kernel: WasmKernel | null) => ScanResult,
): boolean {
  let js: ScanResult;
  try {
    js = scan(null);
  } catch (err) {
    expect(() => scan(kernel)).toThrow((err as Error).message);
    return false;
  }
  expect(scan(kernel)).toEqual(js);
  return true;
}

/**
 * fast-check, `numRuns` cases: `kernel` agrees with JavaScript ({@link expectKernelAgrees}) on
 * any one to three objects, fed in chunks of any size, with or without a window.
 */
export function assertKernelAgreesOnAnyObject(kernel: WasmKernel | null, numRuns: number): void {
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
    { numRuns },
  );
}
