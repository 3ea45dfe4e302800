// A worker drops its kernel after a sort that grew it past what it keeps (WebAssembly memory
// never shrinks) and carries on with a fresh one: sorting, counting and rendering ranges give
// the same bytes as with the kernel kept, over tables as small as a table gets, keys drawn from
// a handful (rows meet in both runs) and hashes from seven values (every probe collides).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { type SortedRun, splitRanges } from '../dist/digest/runs.js';
import { countRange, renderRange, setKernelKeepBytes, sortRun } from '../dist/pool/worker.js';
import { COL, DigestTable, INT_STRIDE, memoryBudget, NUM_STRIDE, type TableView } from '../dist/table/table.js';

const kValue = Symbol.for('Piscina.valueOf');

const rowArb = fc.record({
  // account, interface, srcaddr, dstaddr, action (joined by NUL), from a few of each.
  fields: fc.tuple(
    fc.constantFrom('111', '222'),
    fc.constantFrom('eni-a', 'eni-b'),
    fc.constantFrom('10.0.0.1', '10.0.0.2', '::1'),
    fc.constantFrom('10.0.0.9', '192.168.1.1'),
    fc.constantFrom('ACCEPT', 'REJECT'),
  ),
  ports: fc.tuple(fc.constantFrom(-1, 0, 443), fc.constantFrom(-1, 80, 22), fc.constantFrom(-1, 6, 17)),
  hash: fc.integer({ min: -3, max: 3 }),
  packets: fc.integer({ min: 0, max: 1000 }),
  bytes: fc.integer({ min: 0, max: 100000 }),
  start: fc.integer({ min: 0, max: 99 }),
});

type Row = typeof rowArb extends fc.Arbitrary<infer R> ? R : never;

function view(rows: readonly Row[]): TableView {
  const enc = new TextEncoder();
  const keys = rows.map((r) => enc.encode(r.fields.join('\0')));
  const ints = new Int32Array(rows.length * INT_STRIDE),
    nums = new Float64Array(rows.length * NUM_STRIDE),
    keyBytes = new Uint8Array(keys.reduce((n, k) => n + k.length, 0));
  let ko = 0;
  rows.forEach((r, e) => {
    const b = e * INT_STRIDE;
    ints[b + COL.I_KEYOFF] = ko;
    ints[b + COL.I_KEYLEN] = keys[e].length;
    ints[b + COL.I_HASH] = r.hash;
    [ints[b + COL.I_SPORT], ints[b + COL.I_DPORT], ints[b + COL.I_PROTO]] = r.ports;
    keyBytes.set(keys[e], ko);
    ko += keys[e].length;
    nums.set([r.packets, 0, r.bytes, 0, r.start, r.start + 5, 1], e * NUM_STRIDE);
  });
  return { size: rows.length, ints, nums, keyBytes };
}

/** The digest text of `runs` (rows of each run table), sorted, split into `ranges`, counted and rendered. */
function digestText(runs: readonly Row[][], ranges: number): string {
  const sorted: SortedRun[] = [];
  const budget = memoryBudget(1 << 30);
  for (const rows of runs) {
    const t = new DigestTable(1, { shared: true, budget });
    t.mergeFrom(view(rows));
    const state = t.state();
    const reply = sortRun({ table: state, budget });
    if ('error' in reply) throw new Error(JSON.stringify(reply.error));
    sorted.push({
      table: { size: state.size, ints: state.ints, nums: state.nums, keyBytes: state.keyBytes },
      order: reply.order,
    });
  }
  let out = '';
  for (const range of splitRanges(sorted, ranges)) {
    const counted = countRange({ runs: sorted, range, budget });
    if ('error' in counted) throw new Error(JSON.stringify(counted.error));
    if (counted.script !== null) range.script = counted.script;
    const reply = renderRange({
      runs: sorted,
      range,
      budget,
      format: 'text',
      seen: { packetsSeen: true, bytesSeen: true },
    });
    const buf = (reply as unknown as Record<symbol, ArrayBuffer>)[kValue];
    out += Buffer.from(buf).toString('latin1');
  }
  return out;
}

it('a fresh kernel after each sort gives the same digest as the kernel kept', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(rowArb, { maxLength: 60 }), { minLength: 2, maxLength: 3 }),
      fc.integer({ min: 1, max: 4 }),
      (runs, ranges) => {
        setKernelKeepBytes(64 * 1024 * 1024);
        const kept = digestText(runs, ranges);
        if (runs.some((r) => r.length > 0)) expect(kept.split('\n').length).toBeGreaterThan(1);
        setKernelKeepBytes(0);
        try {
          expect(digestText(runs, ranges)).toBe(kept);
          // And again: the fresh kernel itself is dropped after its own sort.
          expect(digestText(runs, ranges)).toBe(kept);
        } finally {
          setKernelKeepBytes(64 * 1024 * 1024);
        }
      },
    ),
    { numRuns: 60 },
  );
});
