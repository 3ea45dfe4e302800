// The workers start with the lean kernel (scan.c built with KERNEL_LEAN: the v2 key written as
// text, without the NDJSON, keyed and partial renders or the scan of keys read by column), which
// compiles faster. It scans and writes what it holds exactly as the full kernel does, and the
// first call that needs more widens it to the full kernel in place: the same results, charged to
// the same memory budget.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { canonicalOrder, identity } from '../dist/digest/order.js';
import { countRange, type SortedRun, splitRanges } from '../dist/digest/runs.js';
import { parseKeySpec, planKey } from '../dist/format/key.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { DigestTable, hashKey, layOutInOrder, memoryBudget } from '../dist/table/table.js';
import { objectArb, rec } from './support/flowlog.js';
import { kernelRangeOf } from './support/run-rows.js';
import { scanInChunks } from './support/scan-chunks.js';

const full = WasmKernel.load()!;

it('a lean kernel scans v2 objects as the full kernel does, and stays lean', () => {
  const lean = WasmKernel.load({ lean: true })!;
  expect(lean.isLean).toBe(true);
  expect(full.isLean).toBe(false);
  fc.assert(
    fc.property(
      fc.array(objectArb, { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 300 }),
      (objects, chunk) => {
        const text = objects.map((o) => o.text).join('\n');
        expect(scanInChunks(text, chunk, lean)).toEqual(scanInChunks(text, chunk, full));
      },
    ),
    { numRuns: 100 },
  );
  expect(lean.isLean).toBe(true);
});

it("an object under a key read by column widens it, with the full kernel's results", () => {
  const text = `${[0, 1, 2, 3].map((i) => rec({ srcaddr: `10.0.0.${i}`, action: i % 2 ? 'REJECT' : 'ACCEPT' })).join('\n')}\n`;
  const spec = parseKeySpec('srcaddr dstaddr action');
  const lean = WasmKernel.load({ lean: true })!;
  expect(scanInChunks(text, 1 << 20, lean, {}, spec)).toEqual(scanInChunks(text, 1 << 20, full, {}, spec));
  expect(lean.isLean).toBe(false);
  // The kernel, not JavaScript, scanned it: its table holds the rows after the first (a first
  // line, which may be a header, is JavaScript's).
  expect(lean.table().size).toBe(3);
  // Widened, it still scans the v2 key as before.
  expect(scanInChunks(text, 1 << 20, lean)).toEqual(scanInChunks(text, 1 << 20, full));
});

/** Two sorted, laid-out runs of v2 rows (some keys in both). */
function runs(n: number): SortedRun[] {
  return [0, 1].map((r) => {
    const t = new DigestTable(16);
    for (let i = 0; i < n; i++) {
      const key = Buffer.from(['123', 'eni-1', `10.0.${r}.${i % 7}`, '10.1.0.1', 'ACCEPT'].join('\0'));
      const e = t.upsert(key, 0, key.length, hashKey(key, 0, key.length, 0, 443, 6), 0, 443, 6);
      t.addAggregate(e, i + 1, 0, 10 * i, 0, 1000 + i, 2000 + i, 1);
    }
    layOutInOrder(t, canonicalOrder(t));
    return { table: t, order: identity(t.size) };
  });
}

it('writes text as the full kernel does; NDJSON, keyed text and partials widen it first', () => {
  const rs = runs(20);
  const range = splitRanges(rs, 1)[0];
  const kr = kernelRangeOf(rs, range);
  const script = countRange(rs, range).script as Uint8Array;
  const seen = { packetsSeen: true, bytesSeen: true };
  const text = (k: WasmKernel, format: 'text' | 'ndjson', key?: ReturnType<typeof planKey>) =>
    Buffer.from(k.render(format, kr, seen, script, key)!).toString();

  const lean = WasmKernel.load({ lean: true })!;
  expect(text(lean, 'text')).toBe(text(full, 'text'));
  expect(lean.isLean).toBe(true);
  expect(text(lean, 'ndjson')).toBe(text(full, 'ndjson'));
  expect(lean.isLean).toBe(false);

  const keyed = WasmKernel.load({ lean: true })!;
  const plan = planKey(['srcaddr', 'dstaddr', 'action']);
  expect(text(keyed, 'text', plan)).toBe(text(full, 'text', plan));
  expect(keyed.isLean).toBe(false);

  const partial = WasmKernel.load({ lean: true })!;
  const got = partial.partialRows(kr, script)!;
  const want = full.partialRows(kr, script)!;
  expect(partial.isLean).toBe(false);
  expect({ ...got, bytes: Buffer.from(got.bytes) }).toEqual({ ...want, bytes: Buffer.from(want.bytes) });
});

it("a widened kernel is charged to the budget the lean one was, and the lean one's charge is given back", () => {
  const budget = memoryBudget(1 << 30);
  const lean = WasmKernel.load({ lean: true })!;
  lean.chargeTo(budget);
  // Grow the lean kernel (a scan of many keys), then widen it.
  const many = `${Array.from({ length: 40_000 }, (_, i) => rec({ srcaddr: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` })).join('\n')}\n`;
  scanInChunks(many, 1 << 20, lean);
  expect(budget.used[0]).toBeGreaterThan(0);
  scanInChunks(many, 1 << 20, lean, {}, parseKeySpec('srcaddr dstaddr action'));
  expect(lean.isLean).toBe(false);
  // What the full kernel holds now is what is charged: the lean one's growth was given back.
  lean.releaseCharge();
  expect(budget.used[0]).toBe(0);
});
