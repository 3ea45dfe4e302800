// The kernel's range merge and formats (WasmKernel.countRange / render, text and NDJSON) give exactly what
// digest/runs.ts and digest/format.ts give (the rows, the merge script, the bytes) for 2 to 8
// sorted runs cut into ranges as small as one row: keys shared between runs (their values add,
// two-word sums past 2^52 included), absent ports and times, packets and bytes unseen. And the
// kernel lays a sorted table out exactly as table.ts's layOutInOrder does.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { RowWriter } from '../dist/digest/format.js';
import { canonicalOrder } from '../dist/digest/order.js';
import { countRange, RunCursor, type SortedRun, splitRanges } from '../dist/digest/runs.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { DigestTable, layOutInOrder } from '../dist/table/table.js';
import { runOf, runRowArb } from './support/run-rows.js';

const kernel = WasmKernel.load()!;

// Fields of 16 bytes and more too: the kernel compares keys and finds a key's last NUL sixteen
// bytes at a time, and a long last field puts that NUL before the key's last sixteen bytes.
const field = fc.constantFrom(
  '1',
  '2',
  '10',
  '10.0.0.1',
  '10.0.0.10',
  '-',
  'eni-a',
  'ACCEPT',
  'REJECT',
  'q"x',
  'é',
  '2001:db8:0:0:0:0:0:1234',
  '2001:db8:0:0:0:0:0:1235',
  'ACCEPT-OK-AND-SOME-MORE',
);
const rowArb = runRowArb(field);

// Laid out or not (the key span read from the ends, or found by a pass over the rows): the same.
const kernelRange = (runs: SortedRun[], from: number[], to: number[], laidOut = false) => ({
  tables: runs.map((r) => r.table),
  first: from,
  count: to.map((x, i) => x - from[i]),
  laidOut,
});

it('merges, counts and formats any range of 2-8 runs as the JavaScript merge and RowWriter do', () => {
  let shared = 0;
  fc.assert(
    fc.property(
      fc.array(fc.array(rowArb, { maxLength: 30 }), { minLength: 2, maxLength: 8 }),
      fc.integer({ min: 1, max: 12 }),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      (drawn, ranges, packetsSeen, bytesSeen, allowOdd, laidOut) => {
        // Half the cases without strings NDJSON must escape, so its kernel path is checked too.
        const plainOnly = (f: string) => (f === 'q"x' ? 'qx' : f === 'é' ? 'e' : f);
        const runRows = allowOdd
          ? drawn
          : drawn.map((rs) => rs.map((r) => ({ ...r, fields: r.fields.map(plainOnly) })));
        const runs = runRows.map((rows) => runOf(rows));
        const seen = { packetsSeen, bytesSeen };
        for (const range of splitRanges(runs, ranges)) {
          const js = countRange(runs, range);
          const k = kernel.countRange(kernelRange(runs, range.from, range.to, laidOut))!;
          expect(k.rows).toBe(js.rows);
          expect(Array.from(k.script)).toEqual(Array.from(js.script!));
          shared += Array.from(k.script).filter((m) => (m & (m - 1)) !== 0).length;
          const odd = runRows.some((rs) => rs.some((r) => r.fields.some((f) => f === 'q"x' || f === 'é')));
          for (const format of ['text', 'ndjson'] as const) {
            const writer = new RowWriter(format, seen);
            const cursor = new RunCursor(runs, range);
            while (cursor.next(writer.row)) {
              /* written */
            }
            const want = Buffer.from(writer.take()).toString('latin1');
            const kr = kernelRange(runs, range.from, range.to, laidOut);
            for (const got of [kernel.render(format, kr, seen), kernel.render(format, kr, seen, k.script)]) {
              // NDJSON strings that need escaping (or are not ASCII) are left to JavaScript.
              if (got === null && format === 'ndjson' && odd) continue;
              expect(got).not.toBeNull();
              expect(Buffer.from(got!).toString('latin1')).toBe(want);
            }
          }
        }
      },
    ),
    { numRuns: 300 },
  );
  // Keys held by several runs did occur (their values were added).
  expect(shared).toBeGreaterThan(100);
});

it('leaves to JavaScript a range holding a value it cannot write exactly (a time past 2^53)', () => {
  const base = { fields: ['1', 'eni-a', '10.0.0.1', '10.0.0.2', 'ACCEPT'], sp: 0, dp: 80, pr: 6, packets: 1, bytes: 1 };
  const runs = [runOf([{ ...base, start: 2 ** 53, end: 2 ** 53 }]), runOf([{ ...base, start: 1, end: 2 }])];
  expect(kernel.renderText(kernelRange(runs, [0, 0], [1, 1]), { packetsSeen: true, bytesSeen: true })).toBeNull();
});

it('lays a sorted table out exactly as layOutInOrder does', () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 300 }), (rows) => {
      const a = runOf(rows).table as DigestTable;
      // Back to an unsorted layout: the same rows inserted in reverse.
      const js = new DigestTable(16),
        wasm = new DigestTable(16);
      for (let e = a.size - 1; e >= 0; e--) {
        js.mergeEntry(a, e);
        wasm.mergeEntry(a, e);
      }
      layOutInOrder(js, canonicalOrder(js));
      expect(kernel.order(wasm)).not.toBeNull();
      expect(kernel.layOut(wasm)).toBe(true);
      const n = js.size;
      expect(Array.from(wasm.ints.subarray(0, n * 6))).toEqual(Array.from(js.ints.subarray(0, n * 6)));
      expect(Array.from(wasm.nums.subarray(0, n * 7))).toEqual(Array.from(js.nums.subarray(0, n * 7)));
      expect(Buffer.from(wasm.keyBytes.subarray(0, js.keyUsed))).toEqual(
        Buffer.from(js.keyBytes.subarray(0, js.keyUsed)),
      );
    }),
    { numRuns: 200 },
  );
});
