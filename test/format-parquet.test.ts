// Parquet deliveries (AWS's columns and types, GZIP pages, written by the fixtures' writer) give
// byte-identical digests to the text deliveries of the same records, through every selection;
// a truncated object is a corrupt object, a missing srcaddr/dstaddr column a format error.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { CorruptObjectError, createDigester, digestToString, FileSource, FormatError } from '../dist/index.js';
import { textToParquet } from '../fixtures/lib/parquet.js';
import { gzip, lines, MemorySource, V2_FIELDS } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());
const dir = tempDir();

// Well-formed records only (a Parquet int column cannot hold `44x`), with nulls, 0 ports,
// counts past 2^53, IPv6, NODATA/SKIPDATA, and v3-v5 columns.
const recordArb = fc.record({
  version: fc.constant('2'),
  'account-id': fc.constantFrom('111122223333', '444455556666', 'unknown', '-'),
  'interface-id': fc.constantFrom('eni-1', 'eni-2', '-'),
  srcaddr: fc.constantFrom('10.0.0.1', '2600:1f18::1', '-'),
  dstaddr: fc.constantFrom('10.0.0.2', '2600:1f18::2'),
  srcport: fc.constantFrom('0', '22', '443', '50000', '65535', '-'),
  dstport: fc.constantFrom('0', '443', '61000', '-'),
  protocol: fc.constantFrom('1', '6', '17', '-'),
  packets: fc.oneof(
    fc.integer({ min: 0, max: 5000 }).map(String),
    fc.bigInt({ min: 2n ** 53n, max: 2n ** 62n }).map(String),
    fc.constant('-'),
  ),
  bytes: fc.oneof(fc.integer({ min: 0, max: 5_000_000 }).map(String), fc.constant('-')),
  start: fc.integer({ min: 1000, max: 1050 }).map(String),
  end: fc.integer({ min: 1050, max: 1100 }).map(String),
  action: fc.constantFrom('ACCEPT', 'REJECT', '-'),
  'log-status': fc.constantFrom('OK', 'OK', 'OK', 'NODATA', 'SKIPDATA'),
  'vpc-id': fc.constantFrom('vpc-1', '-'),
  'tcp-flags': fc.constantFrom('0', '2', '19', '-'),
  region: fc.constantFrom('us-east-1', 'eu-west-1'),
  'flow-direction': fc.constantFrom('ingress', 'egress'),
});
const layoutArb: fc.Arbitrary<string[]> = fc.oneof<fc.Arbitrary<string[]>[]>(
  fc.constant([...V2_FIELDS]),
  fc
    .shuffledSubarray(['vpc-id', 'tcp-flags', 'region', 'flow-direction'])
    .chain((extra) => fc.shuffledSubarray([...V2_FIELDS, ...extra], { minLength: V2_FIELDS.length + extra.length })),
);
const objectArb = fc
  .record({
    fields: layoutArb,
    recs: fc.array(recordArb, { minLength: 1, maxLength: 40 }),
    group: fc.integer({ min: 1, max: 16 }),
  })
  .map(({ fields, recs, group }) => ({
    text: lines(fields.join(' '), ...recs.map((r) => fields.map((f) => (r as Record<string, string>)[f]).join(' '))),
    group,
  }));

it('text and Parquet deliveries of the same records give byte-identical digests (and equal the reference)', async () => {
  const window = fc.option(fc.tuple(fc.integer({ min: 1040, max: 1090 }), fc.integer({ min: 1, max: 40 })), {
    nil: undefined,
  });
  await fc.assert(
    fc.asyncProperty(fc.array(objectArb, { minLength: 1, maxLength: 3 }), window, async (objects, w) => {
      const run = w === undefined ? {} : { start: new Date(w[0] * 1000), end: new Date((w[0] + w[1]) * 1000) };
      const text = await digester.digest(
        [new MemorySource(objects.map((o, i) => ({ key: `t${i}`, body: gzip(o.text) })))],
        run,
      );
      const parquet = await digester.digest(
        [
          new MemorySource(
            objects.map((o, i) => ({
              key: `p${i}`,
              body: Buffer.from(textToParquet(o.text, { rowGroupSize: o.group })),
            })),
          ),
        ],
        run,
      );
      for (const format of ['text', 'ndjson'] as const) {
        const a = digestToString(text, format).replace(
          /"bytesRead":\d+,|"storedBytes":\d+,|"headers":\d+,|"lines":\d+,/g,
          '',
        );
        const b = digestToString(parquet, format).replace(
          /"bytesRead":\d+,|"storedBytes":\d+,|"headers":\d+,|"lines":\d+,/g,
          '',
        );
        expect(b).toBe(a);
      }
      const ref = referenceDigest(
        objects.map((o, i) => ({ name: `t${i}`, text: o.text })),
        w === undefined ? {} : { start: w[0], end: w[0] + w[1] },
      );
      expect(digestToString(parquet)).toBe(ref.text);
      expect(parquet.stats).toMatchObject({ records: ref.stats.records, digested: ref.stats.digested, headers: 0 });
    }),
    { numRuns: 40 },
  );
});

const SAMPLE = lines(
  V2_FIELDS.join(' '),
  '2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50000 6 3 300 1000 1060 ACCEPT OK',
);

it('a truncated Parquet object is a corrupt object (skippable), naming the object', async () => {
  const pq = textToParquet(SAMPLE);
  const cut = Buffer.from(pq.subarray(0, Math.floor(pq.length * 0.6)));
  const err = await digester.digest([new MemorySource([{ key: 'cut.log.parquet', body: cut }])]).catch((e) => e);
  expect(err).toBeInstanceOf(CorruptObjectError);
  expect((err as Error).message).toMatch(/^cut\.log\.parquet: corrupt object: not a readable Parquet object/);
  const skipped = await digester.digest([new MemorySource([{ key: 'cut.log.parquet', body: cut }])], {
    skipBadObjects: true,
  });
  expect(skipped.stats.skippedObjects).toHaveLength(1);
});

it('a Parquet object without a dstaddr column is a format error naming the column; other columns may be missing', async () => {
  const noDst = textToParquet(lines('version srcaddr packets log-status', '2 10.0.0.1 5 OK'));
  const err = await digester
    .digest([new MemorySource([{ key: 'x.parquet', body: Buffer.from(noDst) }])])
    .catch((e) => e);
  expect(err).toBeInstanceOf(FormatError);
  expect((err as Error).message).toBe(
    "x.parquet: the Parquet object has no 'dstaddr' column, needed to form a conversation",
  );
  const few = textToParquet(lines('srcaddr dstaddr bytes', '10.0.0.1 10.0.0.2 7', '10.0.0.1 10.0.0.2 -'));
  const d = await digester.digest([new MemorySource([{ key: 'few.parquet', body: Buffer.from(few) }])]);
  expect(digestToString(d)).toBe(
    referenceDigest([{ name: 'f', text: lines('srcaddr dstaddr bytes', '10.0.0.1 10.0.0.2 7', '10.0.0.1 10.0.0.2 -') }])
      .text,
  );
});

it('the CLI walks .log.parquet objects in the AWS layout, selecting by window and account like text', async () => {
  const folder = join(dir, 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/01/15');
  mkdirSync(folder, { recursive: true });
  const name = '111122223333_vpcflowlogs_us-east-1_fl-0abc_20260115T1620Z_abcd1234';
  const t = Date.UTC(2026, 0, 15, 16, 21) / 1000;
  const text = lines(
    V2_FIELDS.join(' '),
    `2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50000 6 3 300 ${t - 60} ${t} ACCEPT OK`,
  );
  writeFileSync(join(folder, `${name}.log.parquet`), textToParquet(text));
  const r = await runCli([
    'digest',
    join(dir, 'AWSLogs'),
    '--start',
    '2026-01-15T16:20:00Z',
    '--end',
    '2026-01-15T16:25:00Z',
    '--account',
    '111122223333',
  ]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(referenceDigest([{ name: 'x', text }]).text);
  const other = await runCli(['digest', join(dir, 'AWSLogs'), '--account', '999999999999', '--allow-empty']);
  expect(other.stderr).toContain('not_selected 1');
  const d = await digester.digest([new FileSource(join(folder, `${name}.log.parquet`))]);
  expect(d.stats.objects).toBe(1);
});
