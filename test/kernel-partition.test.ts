// The kernel's hand-off (WasmKernel.partition) packs each partition's rows byte for byte as the
// JavaScript route did (partitionOf of each entry's hash, rows in table order, packed by
// RowCollector), for any object and 1 to 9 partitions.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { RowCollector } from '../dist/digest/collector.js';
import { Scanner } from '../dist/format/scanner.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { COL, DigestTable, INT_STRIDE, partitionOf, type TableView } from '../dist/table/table.js';
import { objectArb } from './support/flowlog.js';

const kernel = WasmKernel.load()!;

/** Scan `text` with the kernel and hand its rows (a view over its memory) to `f`. */
function withKernelRows<T>(text: string, f: (rows: TableView) => T): T | undefined {
  const s = new Scanner(new DigestTable(16), { key: 'obj', strict: false, maxSamples: 5, filter: {}, kernel });
  s.push(Buffer.from(text));
  let out: T | undefined;
  s.end((rows) => {
    out = f(rows);
  });
  return out;
}

it('packs every partition as RowCollector packs the routed rows', () => {
  fc.assert(
    fc.property(fc.array(objectArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 9 }), (objs, parts) => {
      const text = objs.map((o) => o.text).join('\n');
      withKernelRows(text, (rows) => {
        const want = Array.from({ length: parts }, () => new RowCollector(4));
        for (let e = 0; e < rows.size; e++)
          want[partitionOf(rows.ints[e * INT_STRIDE + COL.I_HASH], parts)].addEntry(rows, e);
        const packed = want.map((c) => Buffer.from(c.pack().buffer));
        const blocks = kernel.partition(parts)!;
        expect(blocks.length).toBe(parts);
        blocks.forEach((b, q) => {
          expect(b.rows).toBe(want[q].rows);
          expect(Buffer.from(b.bytes)).toEqual(packed[q]);
        });
      });
    }),
    { numRuns: 200 },
  );
});
