// The scan table grows in place (grow_entries, grow_keys): its arrays lie back to back, the key
// bytes last, so a doubling takes only what the table grows by instead of new arrays beside the
// old ones. Objects whose keys outgrow their first room before or after the entries double, in
// any chunking, give the JavaScript digest, and a fresh kernel's memory after a large object is
// the table once (the old doublings left each earlier table behind: about twice the last).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { INT_STRIDE, NUM_STRIDE } from '../dist/table/table.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { rec } from './support/flowlog.js';
import { scanInChunks } from './support/scan-chunks.js';

/** `n` conversations from `seed` on; `long`: IPv6 addresses, keys longer than a table's first room per row. */
function conversations(n: number, seed: number, long: boolean): string {
  const out: string[] = [];
  for (let i = seed; i < seed + n; i++) {
    const a = long
      ? `2600:1f18:${(i >> 16).toString(16)}:${(i & 65535).toString(16)}::abcd:ef01`
      : `10.9.${(i >> 8) & 255}.${i & 255}`;
    out.push(
      rec({
        srcaddr: a,
        dstaddr: long ? '2600:1f18:ffff:eeee:dddd:cccc:bbbb:aaaa' : '10.0.0.1',
        packets: i % 5,
        bytes: i,
      }),
    );
  }
  return `${out.join('\n')}\n`;
}

it('objects whose table doubles and whose keys outgrow their room give the JavaScript digest', () => {
  const kernel = WasmKernel.load()!;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 0, max: 1 << 20 }), fc.boolean()), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.integer({ min: 4_000, max: 300_000 }),
      (parts, chunk) => {
        // Long and short keys in one object: the key bytes grow before, between or after doublings.
        const text = parts.map(([n, seed, long]) => conversations(n, seed, long)).join('');
        expect(scanInChunks(text, chunk, kernel)).toEqual(scanInChunks(text, chunk, null));
      },
    ),
    { numRuns: 12 },
  );
});

it("a fresh kernel's memory after a large object holds its table once", () => {
  const kernel = WasmKernel.load()!;
  const before = kernel.memoryBytes;
  const rows = 60_000;
  const text = conversations(rows, 0, true);
  const js = scanInChunks(text, 1 << 18, null);
  expect(scanInChunks(text, 1 << 18, kernel)).toEqual(js);
  const t = kernel.table();
  // Past its first window (the scanner keeps that), the kernel held the object's rows.
  expect(t.size).toBeGreaterThan(rows - 10_000);
  let slots = 16_384;
  while ((t.size + 1) * 2 > slots - 1) slots *= 2;
  // The slots, the Int32 and Float64 columns at half the slots, the key bytes' room (at most
  // twice what they hold, or the first room), and 1 MiB for page rounding.
  const table = slots * 4 + (slots / 2) * (INT_STRIDE * 4 + NUM_STRIDE * 8);
  const keys = Math.max(2 * t.keyBytes.length, (slots / 2) * 48);
  expect(kernel.memoryBytes - before).toBeLessThanOrEqual(table + keys + (1 << 20));
});
