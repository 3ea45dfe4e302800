// The kernel formats the text and NDJSON rows of a digest under any key (render_keyed_text,
// render_keyed_ndjson) exactly as digest/keyed-format.ts's KeyedRowWriter does: the key's string
// fields and numbers in key order, then packets, bytes, start, end and OK (NDJSON: by name, and
// the records), for 2 to 8 sorted runs cut into ranges as small as one row, with and without the
// count's merge script, keys shared between runs. NDJSON strings that need escaping (or are not
// ASCII) are left to JavaScript.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { KeyedRowWriter } from '../dist/digest/keyed-format.js';
import { canonicalOrder, identity } from '../dist/digest/order.js';
import { countRange, RunCursor, type SortedRun, splitRanges } from '../dist/digest/runs.js';
import { planKey, type KeyPlan } from '../dist/format/key.js';
import { WasmKernel } from '../dist/format/wasm-kernel.js';
import { DigestTable, hashKey, layOutInOrder, TWO52 } from '../dist/table/table.js';
import { kernelRangeOf } from './support/run-rows.js';

const kernel = WasmKernel.load()!;

const STRINGS = ['srcaddr', 'dstaddr', 'action', 'flow-direction', 'pkt-srcaddr', 'vpc-id', 'tcp-flags', 'account-id'];
const keyArb = fc
  .shuffledSubarray(STRINGS, { minLength: 2 })
  .chain((s) => fc.shuffledSubarray([...s, 'srcport', 'dstport', 'protocol'], { minLength: s.length }))
  .map((fields) => planKey(fields));

const field = fc.constantFrom('1', '10', '10.0.0.1', '-', 'egress', 'ACCEPT', 'q"x', 'é');
const value = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(TWO52 - 1));
interface Row {
  fields: string[];
  numbers: [number, number, number];
  packets: number;
  bytes: number;
  start: number;
  end: number;
}
const rowArb: fc.Arbitrary<Row> = fc.record({
  fields: fc.array(field, { minLength: 8, maxLength: 8 }),
  numbers: fc.tuple(fc.constantFrom(0, 22, 443, 65535), fc.constantFrom(0, 443), fc.constantFrom(6, 17)),
  packets: value,
  bytes: value,
  start: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 2e9 })),
  end: fc.oneof(fc.constant(-Infinity), fc.integer({ min: 0, max: 2e9 })),
});

/** A run of `plan`'s entries (a padding slot `-`, a number the key lacks -1), sorted and laid out. */
function runOf(plan: KeyPlan, rows: Row[]): SortedRun {
  const t = new DigestTable(16);
  for (const r of rows) {
    const key = Buffer.from(plan.slots.map((s, i) => (s === '' ? '-' : r.fields[i])).join('\0'));
    const [sp, dp, pr] = [plan.srcport, plan.dstport, plan.protocol].map((has, i) => (has ? r.numbers[i] : -1));
    const e = t.upsert(key, 0, key.length, hashKey(key, 0, key.length, sp, dp, pr), sp, dp, pr);
    t.addAggregate(e, r.packets, 0, r.bytes, 0, r.start, r.end, 1);
  }
  layOutInOrder(t, canonicalOrder(t));
  return { table: t, order: identity(t.size) };
}

it('formats any range of any key as KeyedRowWriter does', () => {
  fc.assert(
    fc.property(
      keyArb,
      fc.array(fc.array(rowArb, { maxLength: 25 }), { minLength: 2, maxLength: 8 }),
      fc.integer({ min: 1, max: 10 }),
      fc.boolean(),
      fc.boolean(),
      (plan, drawn, ranges, packetsSeen, bytesSeen) => {
        const runs = drawn.map((rows) => runOf(plan, rows));
        const seen = { packetsSeen, bytesSeen };
        const odd = drawn.some((rows) => rows.some((r) => r.fields.some((f) => f === 'q"x' || f === 'é')));
        for (const range of splitRanges(runs, ranges)) {
          const kr = kernelRangeOf(runs, range);
          const script = countRange(runs, range).script as Uint8Array;
          for (const format of ['text', 'ndjson'] as const) {
            const writer = new KeyedRowWriter(format, seen, plan);
            const cursor = new RunCursor(runs, range);
            while (cursor.next(writer.row)) {
              /* written */
            }
            const want = Buffer.from(writer.take()).toString('latin1');
            for (const got of [
              kernel.render(format, kr, seen, undefined, plan),
              kernel.render(format, kr, seen, script, plan),
            ]) {
              if (got === null && format === 'ndjson' && odd) continue;
              expect(got).not.toBeNull();
              expect(Buffer.from(got!).toString('latin1')).toBe(want);
            }
          }
        }
      },
    ),
    { numRuns: 200 },
  );
});

it('leaves to JavaScript a keyed NDJSON range whose strings need escaping, and writes the rest', () => {
  const plan = planKey(['srcaddr', 'dstaddr', 'flow-direction']);
  const row = (f: string): Row => ({
    fields: Array(8).fill(f),
    numbers: [0, 443, 6] as [number, number, number],
    packets: 1,
    bytes: 2,
    start: 3,
    end: 4,
  });
  const seen = { packetsSeen: true, bytesSeen: true };
  const range = (f: string) => {
    const runs = [0, 1].map(() => runOf(plan, [row(f)]));
    return { tables: runs.map((r) => r.table), first: [0, 0], count: [1, 1], laidOut: true };
  };
  expect(kernel.render('ndjson', range('q"x'), seen, undefined, plan)).toBeNull();
  expect(Buffer.from(kernel.render('ndjson', range('1'), seen, undefined, plan)!).toString()).toBe(
    '{"srcaddr":"1","dstaddr":"1","flow-direction":"1","packets":2,"bytes":4,"start":3,"end":4,"records":2}\n',
  );
});
