// The kernel's partition of a binary partial (WasmKernel.partialRows, its columns and CRC-32C,
// sealed by partial.ts's partitionOfColumns) is byte for byte the partition the JavaScript path collects (RunCursor into
// RowCollector, partial.ts's collectPartition): for 1 to 8 sorted runs cut into ranges as small as
// one row, keys shared between runs (their values add, two-word sums past 2^52 included), hashes
// from a handful of values (collisions in every table), absent ports and times, keys long enough
// to pass 16 bytes, merged by comparing keys or by replaying the count's script, laid out or not.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { collectPartition, partitionOfColumns } from '../dist/digest/partial.js';
import { countRange, RunCursor, type SortedRun, splitRanges } from '../dist/digest/runs.js';
import { KERNEL_MERGE_RUNS, WasmKernel } from '../dist/format/wasm-kernel.js';
import { type RunRow, runOf as runRowsOf, runRowArb } from './support/run-rows.js';

const kernel = WasmKernel.load()!;

const field = fc.constantFrom('1', '10', '10.0.0.1', '-', 'eni-a', 'ACCEPT', 'q"x', 'é', 'x'.repeat(37));
const rowArb = runRowArb(field);
// Hashes cut to a handful of values, so probes collide; laid out in order (as the engine leaves it) or left as inserted.
const runOf = (rows: RunRow[], laidOut: boolean) => runRowsOf(rows, { laidOut, collide: true });

/**
 * The kernel's partition of `range`, replaying `script` when given; null when it declines, or
 * (as the worker's kernelRange) for a run whose part of the range is not consecutive entries.
 */
function kernelPartition(runs: SortedRun[], from: number[], to: number[], script?: Uint8Array): Buffer | null {
  const consecutive = (x: SortedRun, t: number) =>
    x.order.subarray(from[t], to[t]).every((e, i) => e === x.order[from[t]] + i);
  if (!runs.every(consecutive)) return null;
  const r = {
    tables: runs.map((x) => x.table),
    first: from.map((f, t) => (f < to[t] ? runs[t].order[f] : 0)),
    count: to.map((x, t) => x - from[t]),
    laidOut: runs.every((x) => x.laidOut === true),
  };
  const rows = kernel.partialRows(r, script);
  return rows === null ? null : Buffer.from(partitionOfColumns(rows));
}

it('writes any range of 1-8 runs as the JavaScript path writes its partition, byte for byte', () => {
  let shared = 0,
    taken = 0;
  fc.assert(
    fc.property(
      fc.array(fc.array(rowArb, { maxLength: 30 }), { minLength: 1, maxLength: KERNEL_MERGE_RUNS }),
      fc.integer({ min: 1, max: 12 }),
      fc.boolean(),
      (drawn, ranges, laidOut) => {
        const runs = drawn.map((rows) => runOf(rows, laidOut));
        for (const range of splitRanges(runs, ranges)) {
          const want = Buffer.from(collectPartition(new RunCursor(runs, range), false));
          const counted = countRange(runs, range);
          const scripts = runs.length > 1 ? [undefined, counted.script as Uint8Array] : [undefined];
          for (const script of scripts) {
            const got = kernelPartition(runs, range.from, range.to, script);
            // A table not laid out may have its keys too scattered to copy: JavaScript's then.
            if (got === null && !laidOut) continue;
            expect(got).not.toBeNull();
            expect(got!.equals(want)).toBe(true);
            taken++;
          }
          if (counted.script !== null) shared += Array.from(counted.script).filter((m) => (m & (m - 1)) !== 0).length;
        }
      },
    ),
    { numRuns: 300 },
  );
  // Keys held by several runs did occur (their values were added), and the kernel took ranges.
  expect(shared).toBeGreaterThan(100);
  expect(taken).toBeGreaterThan(500);
});

it('declines more runs than it merges (the caller collects those in JavaScript)', () => {
  const row: RunRow = {
    fields: ['1', 'eni-a', '10', '10', 'ACCEPT'],
    sp: 1,
    dp: 2,
    pr: 6,
    packets: 1,
    bytes: 1,
    start: 1,
    end: 2,
  };
  const runs = Array.from({ length: KERNEL_MERGE_RUNS + 1 }, () => runOf([row], true));
  expect(
    kernelPartition(
      runs,
      runs.map(() => 0),
      runs.map(() => 1),
    ),
  ).toBeNull();
});
