// Transit Gateway's packets-lost-* fields, summed like packets (issue 19): on every path a digest
// takes (the CLI's text and NDJSON, the library's rows, several workers and chunkings, merge,
// binary partials, --cidr filters), compared with the naive reference digest extended with them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import {
  createDigester,
  Digest,
  type Digester,
  digestToString,
  emptyStats,
  FIELD_PRESETS,
  PACKETS_LOST_FIELDS,
  readDigest,
  writeDigest,
} from '../dist/index.js';
import { Scanner } from '../dist/format/scanner.js';
import { DigestTable } from '../dist/table/table.js';
import { textToParquet } from '../fixtures/lib/parquet.js';
import { countArb, DEFAULTS, lines, memory } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { writtenBytes } from './support/written.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const TGW = FIELD_PRESETS.tgw;
const dir = tempDir();
const digesters = new Map<number, Digester>(
  [1, 2, 3].map((w) => [w, createDigester({ threads: w, rangeRows: 4 })] as const),
);
afterAll(() => Promise.all([...digesters.values()].map((d) => d.close())));

/** One TGW record in `order`: `v` over a plausible default. */
function tgwLine(order: readonly string[], v: Record<string, string>): string {
  // flowlog.ts's record, as a Transit Gateway's (the VPC-only fields are in no TGW order).
  const base: Record<string, string> = {
    ...DEFAULTS,
    version: '6',
    'resource-type': 'TransitGateway',
    'tgw-id': 'tgw-1',
    'tgw-attachment-id': 'tgw-attach-a',
    dstaddr: '10.1.0.1',
  };
  return order.map((f) => v[f] ?? base[f] ?? '-').join(' ');
}

const lost = (noRoute: string, blackhole: string, mtu: string, ttl: string) => ({
  'packets-lost-no-route': noRoute,
  'packets-lost-blackhole': blackhole,
  'packets-lost-mtu-exceeded': mtu,
  'packets-lost-ttl-expired': ttl,
});

it('digest --fields tgw sums each packets-lost-* field per row, after log-status; `-` adds nothing; past 2^53 exact', async () => {
  const text = lines(
    tgwLine(TGW, { packets: '4', ...lost('1', '0', '2', '-') }),
    tgwLine(TGW, { srcport: '50001', ...lost('3', '1', '-', '9007199254740993') }),
    tgwLine(TGW, { srcport: '50002', ...lost('-', '-', '-', '9007199254740993') }),
    tgwLine(TGW, { 'tgw-attachment-id': 'tgw-attach-b', ...lost('-', '-', '-', '-') }),
  );
  const file = join(dir, 'tgw.log');
  writeFileSync(file, text);
  const out = await runCli(['digest', file, '--fields', 'tgw', '-q']);
  expect(out.code).toBe(0);
  expect(out.stdout).toBe(
    lines(
      'account-id tgw-id tgw-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status ' +
        'packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired',
      '111122223333 tgw-1 tgw-attach-a 10.0.0.1 10.1.0.1 0 443 6 6 300 1000 1060 OK 4 1 2 18014398509481986',
      '111122223333 tgw-1 tgw-attach-b 10.0.0.1 10.1.0.1 0 443 6 1 100 1000 1060 OK 0 0 0 0',
    ),
  );
  expect(out.stdout).toBe(referenceDigest([{ name: 't', text }], { fields: TGW }).text);
  const nd = await runCli(['digest', file, '--fields', 'tgw', '-q', '-f', 'ndjson']);
  expect(nd.code).toBe(0);
  const rows = nd.stdout.split('\n').slice(0, -2);
  expect(rows).toEqual(referenceDigest([{ name: 't', text }], { fields: TGW }).ndjsonRows);
  expect(rows[0]).toContain(
    '"packets-lost-no-route":4,"packets-lost-blackhole":1,"packets-lost-mtu-exceeded":2,"packets-lost-ttl-expired":18014398509481986,"records":3}',
  );
  expect(JSON.parse(nd.stdout.split('\n').at(-2)!).stats.lost).toEqual([...PACKETS_LOST_FIELDS]);
});

it('a header names which packets-lost-* fields there are: only those are summed and written, in the digest order', async () => {
  const order = [
    'packets-lost-blackhole',
    'srcaddr',
    'dstaddr',
    'tgw-id',
    'packets',
    'bytes',
    'packets-lost-no-route',
    'log-status',
  ];
  const text = lines(
    order.join(' '),
    tgwLine(order, lost('5', '7', '', '')),
    tgwLine(order, lost('1', '2', '', '')),
    tgwLine(order, { dstaddr: '10.9.9.9', ...lost('x', '2', '', '') }),
  );
  const file = join(dir, 'tgw-header.log');
  writeFileSync(file, text);
  const out = await runCli(['digest', file, '-q']);
  expect(out.code).toBe(0);
  expect(out.stdout).toBe(
    lines(
      'account-id tgw-id tgw-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status ' +
        'packets-lost-no-route packets-lost-blackhole',
      '- tgw-1 - 10.0.0.1 10.1.0.1 - - - 2 200 - - OK 6 9',
    ),
  );
  expect(out.stdout).toBe(referenceDigest([{ name: 't', text }]).text);
  // A value that is not an integer makes its record malformed, naming the field.
  expect(out.stderr).toBe('');
  const loud = await runCli(['digest', file, '-o', join(dir, 'h.out')]);
  expect(loud.stderr).toContain("tgw-header.log:4: field 'packets-lost-no-route' is not an integer: 'x'");
});

// --- Random TGW records: every worker count and chunking agrees with the reference -----------

const tgwRecordArb = fc.record({
  'account-id': fc.constantFrom('111122223333', '444455556666'),
  'tgw-id': fc.constantFrom('tgw-1', 'tgw-2'),
  'tgw-attachment-id': fc.constantFrom('tgw-attach-a', 'tgw-attach-b', '-'),
  'tgw-src-vpc-id': fc.constantFrom('vpc-1', 'vpc-2'),
  srcaddr: fc.constantFrom('10.0.0.1', '2600:1f18::1'),
  dstaddr: fc.constantFrom('10.1.0.1', '10.1.0.2'),
  srcport: fc.constantFrom('0', '443', '50000', '-'),
  dstport: fc.constantFrom('443', '61000'),
  protocol: fc.constantFrom('6', '17'),
  packets: countArb,
  bytes: countArb,
  start: fc.constantFrom('1000', '1010', '-'),
  end: fc.constantFrom('1060', '1070'),
  'log-status': fc.constantFrom('OK', 'OK', 'OK', 'NODATA'),
  'packets-lost-no-route': countArb,
  'packets-lost-blackhole': countArb,
  'packets-lost-mtu-exceeded': fc.oneof(countArb, fc.constant('1x')),
  'packets-lost-ttl-expired': countArb,
});

const OPTIONAL = [
  'resource-type',
  'tgw-src-vpc-id',
  'start',
  'log-status',
  ...PACKETS_LOST_FIELDS,
  'packets',
  'bytes',
] as const;
const tgwObjectArb = fc.record({
  // srcaddr, dstaddr and tgw-id always (the TGW key's own), any of the rest, in any order.
  order: fc
    .shuffledSubarray([...OPTIONAL], { minLength: 0 })
    .chain((rest) =>
      fc.shuffledSubarray(
        [
          ...rest,
          'srcaddr',
          'dstaddr',
          'tgw-id',
          'tgw-attachment-id',
          'account-id',
          'srcport',
          'dstport',
          'protocol',
          'end',
        ],
        { minLength: rest.length + 9 },
      ),
    ),
  recs: fc.array(tgwRecordArb, { maxLength: 20 }),
});
const keyArb = fc.constantFrom(undefined, 'srcaddr,dstaddr', '+tgw-src-vpc-id');

function scanInChunks(texts: string[], chunk: number, key: string | undefined): string {
  const table = new DigestTable(16);
  const stats = emptyStats();
  let k: readonly string[] | undefined,
    l: readonly string[] = [];
  for (const [i, text] of texts.entries()) {
    const keySpec =
      key === undefined
        ? undefined
        : key.startsWith('+')
          ? { add: key.slice(1).split(',') }
          : { replace: key.split(',') };
    const s = new Scanner(table, { key: `o${i}`, strict: false, maxSamples: 0, filter: {}, keySpec });
    const bytes = Buffer.from(text);
    for (let o = 0; o < bytes.length; o += chunk) s.push(bytes.subarray(o, Math.min(bytes.length, o + chunk)));
    s.end();
    k = s.keyFields;
    l = [...new Set([...l, ...s.lostFields])];
    stats.packetsSeen ||= s.counters.packetsSeen;
    stats.bytesSeen ||= s.counters.bytesSeen;
  }
  const d = new Digest(table, stats).withKey(k!).withLost(l as never);
  return digestToString(d);
}

const written = async (d: Digest, format: 'text' | 'ndjson') => (await writtenBytes(d, format)).toString('latin1');

it('random TGW records: -w 1/2/3 and any chunking give the reference digest byte for byte (text and NDJSON)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(tgwObjectArb, { minLength: 1, maxLength: 4 }),
      keyArb,
      fc.constantFrom(1, 2, 3),
      fc.integer({ min: 1, max: 200 }),
      async (objects, asked, threads, chunk) => {
        // Objects of one format: a run has one key (and the reference's runs are per format).
        const order = objects[0].order;
        const key = asked === '+tgw-src-vpc-id' && !order.includes('tgw-src-vpc-id') ? undefined : asked;
        const texts = objects.map((o) => lines(order.join(' '), ...o.recs.map((r) => tgwLine(order, r))));
        const spec =
          key === undefined
            ? undefined
            : key.startsWith('+')
              ? { add: key.slice(1).split(',') }
              : { replace: key.split(',') };
        const ref = referenceDigest(
          texts.map((text, i) => ({ name: `o${i}`, text })),
          spec === undefined ? {} : { key: spec },
        );
        const d = await digesters.get(threads)!.digest([memory(...texts)], key === undefined ? {} : { key });
        expect(await written(d, 'text')).toBe(ref.text);
        expect(digestToString(d)).toBe(ref.text);
        expect((await written(d, 'ndjson')).split('\n').slice(0, -2)).toEqual(ref.ndjsonRows);
        expect(scanInChunks(texts, chunk, key)).toBe(ref.text);
        // Read back (text, NDJSON, partial), each gives the same digest.
        for (const format of ['text', 'ndjson', 'partial'] as const) {
          const back = await readDigest(PassThroughOf(await bytesOf(d, format)), format);
          expect(digestToString(back)).toBe(ref.text);
        }
      },
    ),
    { numRuns: 40 },
  );
});

async function bytesOf(d: Digest, format: 'text' | 'ndjson' | 'partial'): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeDigest(d, out, format);
  return Buffer.concat(chunks);
}

function PassThroughOf(bytes: Buffer): PassThrough {
  const p = new PassThrough();
  p.end(bytes);
  return p;
}

// --- merge, partials, rows, filters --------------------------------------------------------------

const A = lines(
  tgwLine(TGW, { packets: '4', ...lost('1', '0', '2', '-') }),
  tgwLine(TGW, { 'tgw-attachment-id': 'tgw-attach-b', ...lost('2', '-', '-', '9007199254740993') }),
);
const B = lines(
  tgwLine(TGW, { packets: '9', ...lost('10', '1', '-', '9007199254740993') }),
  tgwLine(TGW, { dstaddr: '10.1.0.7', ...lost('0', '3', '0', '0') }),
);

it('merge of two TGW digests (text, NDJSON or partial) equals the digest of both inputs', async () => {
  const a = join(dir, 'a.log'),
    b = join(dir, 'b.log');
  writeFileSync(a, A);
  writeFileSync(b, B);
  const both = await runCli(['digest', a, b, '--fields', 'tgw', '-q']);
  expect(both.code).toBe(0);
  expect(both.stdout).toBe(
    referenceDigest(
      [
        { name: 'a', text: A },
        { name: 'b', text: B },
      ],
      { fields: TGW },
    ).text,
  );
  for (const [format, ext] of [
    ['text', 'log'],
    ['ndjson', 'ndjson'],
    ['partial', 'fdp'],
  ] as const) {
    const da = join(dir, `da.${ext}`),
      db = join(dir, `db.${ext}`);
    expect((await runCli(['digest', a, '--fields', 'tgw', '-q', '-f', format, '-o', da])).code).toBe(0);
    expect((await runCli(['digest', b, '--fields', 'tgw', '-q', '-f', format, '-o', db])).code).toBe(0);
    const merged = await runCli(['merge', da, db, '-q']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(both.stdout);
  }
  // A merged text digest digested again under its own key gives itself back.
  const once = join(dir, 'once.log');
  writeFileSync(once, both.stdout);
  const again = await runCli(['merge', once, '-q']);
  expect(again.stdout).toBe(both.stdout);
});

it('a TGW partial is version 4, naming its lost fields; it round-trips, and rows() gives the sums as bigints', async () => {
  const d = await digesters.get(2)!.digest([memory(A, B)], { fields: 'tgw' });
  expect(d.lost).toEqual([...PACKETS_LOST_FIELDS]);
  const bytes = await bytesOf(d, 'partial');
  expect(bytes.readUInt32LE(8)).toBe(4);
  const stats = JSON.parse(bytes.subarray(16, 16 + bytes.readUInt32LE(12)).toString('utf8'));
  expect(stats.lost).toEqual([...PACKETS_LOST_FIELDS]);
  const back = await readDigest(PassThroughOf(bytes), 'p.fdp');
  expect(back.lost).toEqual(d.lost);
  expect(digestToString(back)).toBe(digestToString(d));
  expect(await bytesOf(back, 'partial')).toEqual(bytes);
  const merged = Digest.mergeSorted([back, await readDigest(PassThroughOf(bytes), 'p2.fdp')]);
  expect(merged.lost).toEqual(d.lost);
  const rows = [...back.rows()];
  expect(rows[0].lost).toEqual({ noRoute: 11n, blackhole: 1n, mtuExceeded: 2n, ttlExpired: 9007199254740993n });
  expect(rows[0].fields).toEqual({ 'tgw-id': 'tgw-1', 'tgw-attachment-id': 'tgw-attach-a' });
  // A changed lost sum fails the partition's checksum.
  const bad = Buffer.from(bytes);
  const statsLen = bytes.readUInt32LE(12);
  const lostAt = 16 + statsLen + 16 + bytes.readUInt32LE(16 + statsLen + 4) * 7 * 8;
  bad.writeDoubleLE(12, lostAt);
  await expect(readDigest(PassThroughOf(bad), 'bad.fdp')).rejects.toThrow('fails its checksum');
});

it('--cidr keeps the sums of the rows it keeps; diff and report read a TGW digest', async () => {
  const a = join(dir, 'fa.log');
  writeFileSync(a, lines(TGW.join(' '), ...A.trim().split('\n'), ...B.trim().split('\n')));
  const digest = join(dir, 'fa.digest');
  expect((await runCli(['digest', a, '-q', '-o', digest])).code).toBe(0);
  const narrowed = await runCli(['digest', digest, '-q', '--cidr', '10.1.0.7/32']);
  expect(narrowed.code, narrowed.stderr).toBe(0);
  expect(narrowed.stdout.split('\n')[1]).toBe(
    '111122223333 tgw-1 tgw-attach-a 10.0.0.1 10.1.0.7 0 443 6 1 100 1000 1060 OK 0 3 0 0',
  );
  const diff = await runCli(['diff', digest, digest, '-f', 'text']);
  expect(diff.code, diff.stderr).toBe(0);
  const report = await runCli(['report', digest]);
  expect(report.code, report.stderr).toBe(0);
  expect(readFileSync(digest, 'latin1').split('\n')[0]).toContain('log-status packets-lost-no-route');
});

it('a VPC digest carries no lost packets: the same bytes as before, version 2 partials', async () => {
  const text = lines('2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT OK');
  const d = await digesters.get(2)!.digest([memory(text)]);
  expect(d.lost).toEqual([]);
  expect(digestToString(d)).toBe(referenceDigest([{ name: 'v', text }]).text);
  expect((await bytesOf(d, 'partial')).readUInt32LE(8)).toBe(2);
  expect([...d.rows()][0].lost).toBeUndefined();
});

it('diff compares TGW digests by their key; its lines carry the packets-lost-* sums, and a changed sum is a change', async () => {
  const prev = join(dir, 'prev.log'),
    next = join(dir, 'next.log');
  writeFileSync(prev, A);
  writeFileSync(
    next,
    lines(
      tgwLine(TGW, { packets: '4', ...lost('1', '0', '3', '-') }),
      tgwLine(TGW, { 'tgw-attachment-id': 'tgw-attach-b', ...lost('2', '-', '-', '9007199254740993') }),
      tgwLine(TGW, { dstaddr: '10.1.0.7', ...lost('0', '3', '0', '0') }),
    ),
  );
  const dp = join(dir, 'prev.digest'),
    dn = join(dir, 'next.ndjson');
  expect((await runCli(['digest', prev, '--fields', 'tgw', '-q', '-o', dp])).code).toBe(0);
  expect((await runCli(['digest', next, '--fields', 'tgw', '-q', '-f', 'ndjson', '-o', dn])).code).toBe(0);
  const text = await runCli(['diff', dp, dn, '-f', 'text', '--changed']);
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout.split('\n').filter((l) => l !== '')).toEqual([
    '+ 111122223333 tgw-1 tgw-attach-a 10.0.0.1 10.1.0.7 0 443 6 1 100 1000 1060 OK 0 3 0 0',
    '~ 111122223333 tgw-1 tgw-attach-a 10.0.0.1 10.1.0.1 0 443 6 4 100 1000 1060 OK 1 0 3 0 packets=0 bytes=0 start=0 end=0',
  ]);
  const nd = await runCli(['diff', dp, dn, '-f', 'ndjson']);
  expect(JSON.parse(nd.stdout.split('\n')[0])).toMatchObject({ diff: 'ADDED', 'packets-lost-blackhole': 3 });
});

it('a TGW Parquet object gives the digest of its text twin: the TGW key and the packets-lost-* sums', async () => {
  const order = [...TGW];
  const text = lines(order.join(' '), ...A.trim().split('\n'), ...B.trim().split('\n'));
  const pq = join(dir, 'tgw.log.parquet'),
    txt = join(dir, 'tgw-twin.log');
  writeFileSync(pq, textToParquet(text, { rowGroupSize: 2 }));
  writeFileSync(txt, text);
  for (const extra of [[], ['--key', '+tgw-src-vpc-id']]) {
    const fromText = await runCli(['digest', txt, '-q', ...extra]);
    const fromParquet = await runCli(['digest', pq, '-q', ...extra]);
    expect(fromParquet.code, fromParquet.stderr).toBe(0);
    expect(fromParquet.stdout).toBe(fromText.stdout);
    expect(fromParquet.stdout.split('\n')[0]).toContain('log-status packets-lost-no-route');
  }
});
