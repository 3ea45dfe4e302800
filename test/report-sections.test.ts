// Every section of the report equals a naive reference computed from the digest's rows, on
// generated digests with scanners, NAT'd and IPv6 traffic and sums past 2^53; the same input
// gives byte-identical JSON whatever the row order; the JSON keeps every digit.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Digest, readDigest } from '../dist/index.js';
import { buildReport, reportToJson } from '../dist/report/index.js';
import { parseJsonExact } from '../dist/util/json.js';
import {
  type GenRow,
  keyedRowsArb,
  naiveReport,
  ndjson,
  type RefOptions,
  type RefRow,
  rowsArb,
} from './support/report-reference.js';

const read = (rows: GenRow[]) => readDigest(Readable.from([Buffer.from(ndjson(rows))]), 'gen.ndjson');
const refRows = (d: Digest): RefRow[] => [...d.rows()];

const optionsArb: fc.Arbitrary<RefOptions & { actions?: Array<'ACCEPT' | 'REJECT'> }> = fc.record(
  {
    top: fc.integer({ min: 1, max: 6 }),
    internal: fc.constantFrom<string[]>([], ['52.95.0.0/16'], ['2600:1f18::/32', '8.8.8.0/24']),
    cidrs: fc.constantFrom<string[]>(['10.0.0.0/8'], ['198.51.100.0/24', 'fd00::/8'], ['0.0.0.0/0']),
    ports: fc.subarray([0, 22, 443, 3389, 8080]),
    actions: fc.constantFrom<Array<'ACCEPT' | 'REJECT'>>(['ACCEPT'], ['REJECT'], ['REJECT', 'ACCEPT']),
  },
  { requiredKeys: ['top', 'internal'] },
);

it('each section equals the naive reference (with filters and a baseline)', async () => {
  await fc.assert(
    fc.asyncProperty(rowsArb, rowsArb, optionsArb, fc.boolean(), async (rows, base, options, withBase) => {
      const digest = await read(rows);
      const baseline = withBase ? await read(base) : undefined;
      const report = buildReport(digest, options, baseline);
      const expected = naiveReport(
        refRows(digest),
        options,
        digest.stats.bytesSeen,
        baseline === undefined ? undefined : refRows(baseline),
      );
      expect(reportToJson(report)).toBe(reportToJson(expected as never));
    }),
    { numRuns: 150 },
  );
});

it('the traffic section (a key with flow-direction, pkt-src/dst-aws-service) equals the naive reference', async () => {
  await fc.assert(
    fc.asyncProperty(keyedRowsArb, optionsArb, fc.boolean(), async ({ order, rows }, options, split) => {
      const digest = split
        ? Digest.mergeSorted([await read(rows.slice(0, 5)), await read(rows.slice(5))])
        : await read(rows);
      expect(digest.key.slice(8)).toEqual(order);
      const report = buildReport(digest, options);
      const expected = naiveReport(refRows(digest), options, digest.stats.bytesSeen, undefined, order);
      expect(reportToJson(report)).toBe(reportToJson(expected as never));
    }),
    { numRuns: 120 },
  );
});

it('the same rows in any order give byte-identical JSON', async () => {
  await fc.assert(
    fc.asyncProperty(
      rowsArb.chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length }))),
      fc.integer({ min: 1, max: 4 }),
      async ([rows, shuffled], top) => {
        const a = reportToJson(buildReport(await read(rows), { top }));
        const b = reportToJson(buildReport(await read(shuffled), { top }));
        // Read as sorted runs too (the engine's shape), not only as one hash table.
        const c = reportToJson(
          buildReport(Digest.mergeSorted([await read(shuffled.slice(0, 7)), await read(shuffled.slice(7))]), { top }),
        );
        expect(b).toBe(a);
        expect(c).toBe(a);
      },
    ),
    { numRuns: 60 },
  );
});

it('counts past 2^53 are JSON integers with every digit', async () => {
  const big = (1n << 62n) + 3n;
  const row: GenRow = {
    account: '1',
    eni: 'eni-a',
    src: '8.8.8.8',
    dst: '10.0.0.1',
    sport: 0,
    dport: 443,
    proto: 6,
    action: 'ACCEPT',
    packets: big,
    bytes: big,
    start: 1,
    end: 2,
    records: 1,
  };
  const json = reportToJson(buildReport(await read([row, { ...row, eni: 'eni-b' }])));
  expect(json).toContain(`"bytes": ${2n * big}`);
  const parsed = parseJsonExact(json) as { totals: { bytes: bigint }; exposed: { top: { bytes: bigint }[] } };
  expect(parsed.totals.bytes).toBe(2n * big);
  expect(parsed.exposed.top[0].bytes).toBe(2n * big);
});
