// The kernel's number writer (scan.c put_u64, which writes digits in place once it has counted
// them, and put_two_word over it) against digest/format.ts's RowWriter, text and NDJSON: every
// power of ten and its neighbours from 0 to 2^53, in ports, packets, bytes (one word and two:
// sums past 2^52), start and end.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { RowWriter } from '../dist/digest/format.js';
import { canonicalOrder, identity } from '../dist/digest/order.js';
import { RunCursor, type SortedRun, splitRanges } from '../dist/digest/runs.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { DigestTable, hashKey, layOutInOrder, TWO52 } from '../dist/table/table.js';
import { kernelRangeOf } from './support/run-rows.js';

const kernel = WasmKernel.load()!;

// 0, 1, 9, 10, 11, 99, 100, 101, ... up to 2^53 - 1.
const edges: number[] = [0, 1, 2 ** 53 - 1, TWO52 - 1, TWO52 - 2];
for (let p = 10; p < 2 ** 53; p *= 10) edges.push(p - 1, p, p + 1);
const edge = fc.constantFrom(...edges);
const port = fc.constantFrom(-1, 0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 65535);

interface Row {
  n: number;
  sp: number;
  dp: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
}

function runOf(rows: Row[]): SortedRun {
  const t = new DigestTable(16);
  for (const r of rows) {
    const key = Buffer.from(['1', 'eni-a', `10.0.0.${r.n}`, '10.0.0.1', 'ACCEPT'].join('\0'));
    const e = t.upsert(key, 0, key.length, hashKey(key, 0, key.length, r.sp, r.dp, 6), r.sp, r.dp, 6);
    t.addAggregate(e, r.packets, 0, r.bytes, 0, r.start, r.end, 1);
  }
  layOutInOrder(t, canonicalOrder(t));
  return { table: t, order: identity(t.size) };
}

it('writes every digit count exactly as RowWriter does, in text and NDJSON', () => {
  const row = fc.record({
    n: fc.integer({ min: 0, max: 3 }),
    sp: port,
    dp: port,
    packets: edge,
    bytes: edge,
    start: fc.oneof(fc.constant(Infinity), edge),
    end: fc.oneof(fc.constant(-Infinity), edge),
  });
  fc.assert(
    fc.property(fc.array(fc.array(row, { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 3 }), (drawn) => {
      const runs = drawn.map(runOf);
      const seen = { packetsSeen: true, bytesSeen: true };
      const range = splitRanges(runs, 1)[0];
      for (const format of ['text', 'ndjson'] as const) {
        const writer = new RowWriter(format, seen);
        const cursor = new RunCursor(runs, range);
        while (cursor.next(writer.row)) {
          /* written */
        }
        const want = Buffer.from(writer.take()).toString('latin1');
        const got = kernel.render(format, kernelRangeOf(runs, range), seen);
        // A time the kernel does not write exactly (past 2^53 after no merge: none here) would be null.
        expect(got).not.toBeNull();
        expect(Buffer.from(got!).toString('latin1')).toBe(want);
      }
    }),
    { numRuns: 300 },
  );
});
