// The binary partial of an engine digest is written on the pool's workers (each range merged and
// its partition copied out by the kernel, or collected in JavaScript where the kernel cannot take
// it), byte for byte what this thread's JavaScript path (partialChunks) writes: any objects, v2's
// key or another, Transit Gateway's lost packets, 2 or 3 run tables, ranges as small as one row.
// And it does go to the workers: one task per range.
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { type Digest, FIELD_PRESETS } from '../dist/index.js';
import { partialChunks } from '../dist/digest/partial.js';
import { resolveDigesterOptions } from '../dist/engine/options.js';
import { DigestRun } from '../dist/engine/run.js';
import { ScanPool } from '../dist/pool/pool.js';
import { lines, memory, objectArb, rec, sourceOf } from './support/flowlog.js';
import { writtenBytes } from './support/written.js';

const pools = [new ScanPool({ threads: 2 }), new ScanPool({ threads: 3 })];
afterAll(() => Promise.all(pools.map((p) => p.close())));

const TGW = FIELD_PRESETS.tgw;

/** The partial as this thread's JavaScript path writes it (no workers). */
const onThisThread = (d: Digest) => Buffer.concat([...partialChunks(d)]);

/** Partitions in a partial (its trailer's count). */
const partitions = (bytes: Buffer) => bytes.readUInt32LE(bytes.length - 12);

/** A Transit Gateway object (its header names the fields, packets-lost-* among them): few keys, so rows repeat. */
const tgwArb = fc
  .array(
    fc.record({
      attach: fc.integer({ min: 0, max: 4 }),
      src: fc.integer({ min: 0, max: 6 }),
      port: fc.constantFrom('443', '53', '-'),
      packets: fc.constantFrom('1', '7', '4503599627370495'),
      lost: fc.constantFrom('0', '3', '-', '4503599627370495'),
    }),
    { minLength: 1, maxLength: 30 },
  )
  .map((recs) =>
    lines(
      TGW.join(' '),
      ...recs.map((r) => {
        const v: Record<string, string> = {
          version: '6',
          'resource-type': 'TransitGateway',
          'account-id': '111122223333',
          'tgw-id': 'tgw-1',
          'tgw-attachment-id': `tgw-attach-${r.attach}`,
          srcaddr: `10.0.0.${r.src}`,
          dstaddr: '10.1.0.1',
          srcport: '40000',
          dstport: r.port,
          protocol: '6',
          packets: r.packets,
          bytes: '1400',
          start: '1000',
          end: '1060',
          'log-status': 'OK',
          'packets-lost-no-route': r.lost,
          'packets-lost-blackhole': '1',
        };
        return TGW.map((f) => v[f] ?? '-').join(' ');
      }),
    ),
  );

const inputsArb = fc.oneof(
  fc.record({
    objects: fc.array(objectArb, { minLength: 1, maxLength: 6 }),
    key: fc.constantFrom(undefined, 'srcaddr dstaddr dstport protocol action', '+flow-direction'),
  }),
  fc.record({ tgw: fc.array(tgwArb, { minLength: 1, maxLength: 4 }) }),
);

it('the partial the workers write equals this thread’s, byte for byte', async () => {
  let lost = 0,
    keyed = 0,
    many = 0;
  await fc.assert(
    fc.asyncProperty(
      inputsArb,
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 1, max: 8 }),
      async (inputs, which, rangeRows) => {
        const pool = pools[which];
        const key = 'key' in inputs ? inputs.key : undefined;
        const opts = resolveDigesterOptions({ threads: pool.threads, rangeRows, ...(key ? { key } : {}) });
        const source = 'tgw' in inputs ? memory(...inputs.tgw) : sourceOf(inputs.objects);
        const d = await new DigestRun(pool, opts, [source], {}).run();
        const written = await writtenBytes(d, 'partial');
        expect(written.equals(onThisThread(d))).toBe(true);
        if (d.lost.length > 0) lost++;
        if (key !== undefined || 'tgw' in inputs) keyed++;
        if (partitions(written) > 1) many++;
      },
    ),
    { numRuns: 120 },
  );
  // Every kind of digest did occur.
  expect(lost).toBeGreaterThan(10);
  expect(keyed).toBeGreaterThan(20);
  expect(many).toBeGreaterThan(60);
});

it('each range of an engine digest is written by a task on the pool, not on this thread', async () => {
  // 300 conversations in 3 objects, ranges of about 16 rows: many ranges over two run tables.
  const objects = [0, 1, 2].map((o) =>
    lines(
      ...Array.from({ length: 150 }, (_, i) =>
        rec({ srcaddr: `10.0.${((i + o * 50) % 300) >> 8}.${(i + o * 50) % 256}`, bytes: i }),
      ),
    ),
  );
  const pool = pools[0];
  const d = await new DigestRun(
    pool,
    resolveDigesterOptions({ threads: 2, rangeRows: 16 }),
    [memory(...objects)],
    {},
  ).run();
  const before = pool.submitted;
  const written = await writtenBytes(d, 'partial');
  const tasks = pool.submitted - before;
  expect(partitions(written)).toBeGreaterThan(4);
  expect(tasks).toBe(partitions(written));
  expect(written.equals(onThisThread(d))).toBe(true);
});
