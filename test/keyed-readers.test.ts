// Readers of a keyed digest (`--key`): merge's reader, the NDJSON reader, `Digest.rows()`,
// `diff` and `dot`'s input all keep and honour the key a text digest names in its header and an
// NDJSON digest in its rows' fields. Each is compared with the naive reference digest.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { createDigester, type Digest, digestToString, readDigest } from '../dist/index.js';
import { applyView } from '../dist/graph/views.js';
import { diffInputs, diffToString, readGraphInput } from '../dist/graph/index.js';
import { parseJsonExact } from '../dist/util/json.js';
import { lines, memory, recordArb, V2_FIELDS } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';

const digester = createDigester({ threads: 1 });
afterAll(() => digester.close());

const ALL = [...V2_FIELDS, 'vpc-id', 'tcp-flags', 'region', 'flow-direction'];
const KEYABLE = ALL.filter((f) => !['version', 'packets', 'bytes', 'start', 'end', 'log-status'].includes(f));
const VALUES = new Set(['packets', 'bytes', 'start', 'end', 'records']);

const specArb = fc.oneof(
  fc
    .shuffledSubarray(KEYABLE.filter((f) => f !== 'srcaddr' && f !== 'dstaddr'))
    .chain((rest) => fc.shuffledSubarray([...rest, 'srcaddr', 'dstaddr'], { minLength: rest.length + 2 }))
    .map((replace) => ({ replace })),
  fc.shuffledSubarray(['vpc-id', 'tcp-flags', 'region', 'flow-direction'], { minLength: 1 }).map((add) => ({ add })),
);
const keyText = (spec: { replace: string[] } | { add: string[] }) =>
  'replace' in spec ? spec.replace.join(',') : `+${spec.add.join(',')}`;
const log = (recs: Record<string, string>[]) =>
  lines(ALL.join(' '), ...recs.map((r) => ALL.map((f) => r[f]).join(' ')));
// Records whose start/end spans stay readable once merged (a row with start > end is malformed when read back).
const recsArb = fc
  .array(recordArb, { maxLength: 25 })
  .map((rs) => rs.map((r) => ({ ...r, end: r.end === '-' ? '-' : '1200' })));
const stream = (text: string) => Readable.from([Buffer.from(text)]);

type Obj = Record<string, unknown>;
const parse = (row: string): Obj => parseJsonExact(row) as Obj;
const exact = (v: bigint) => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
const keyOf = (o: Obj) =>
  JSON.stringify(Object.entries(o).filter(([k]) => !VALUES.has(k) && k !== 'diff' && k !== 'delta'));

/** `Digest.rows()` as the NDJSON reference row it stands for (key fields by name, then the values). */
function rowObject(d: Digest, r: ReturnType<Digest['rows']> extends Iterable<infer R> ? R : never): Obj {
  const named: Obj = {
    'account-id': r.account,
    'interface-id': r.interfaceId,
    srcaddr: r.srcAddr,
    dstaddr: r.dstAddr,
    srcport: r.srcPort,
    dstport: r.dstPort,
    protocol: r.protocol,
    action: r.action,
    ...r.fields,
  };
  const o: Obj = {};
  for (const f of d.key) o[f] = named[f];
  o.packets = d.stats.packetsSeen ? exact(r.packets) : null;
  o.bytes = d.stats.bytesSeen ? exact(r.bytes) : null;
  o.start = r.start;
  o.end = r.end;
  o.records = r.records;
  return o;
}

it('a keyed digest read back (text or NDJSON; merge, diff and dot readers) keeps its key and rows', async () => {
  await fc.assert(
    fc.asyncProperty(recsArb, specArb, async (recs, spec) => {
      const text = log(recs);
      const ref = referenceDigest([{ name: 'o', text }], { key: spec });
      const d = await digester.digest([memory(text)], { key: keyText(spec) });
      const asText = digestToString(d);
      const asNdjson = digestToString(d, 'ndjson');
      expect(asText).toBe(ref.text);
      for (const body of [asText, asNdjson]) {
        // A text digest is a flow log: read back, each of its rows is one record.
        const expected = ref.ndjsonRows.map(parse).map((o) => (body === asText ? { ...o, records: 1 } : o));
        const rowsOf = (x: Digest) => digestToString(x, 'ndjson').split('\n').slice(0, -2).map(parse);
        const merged = await readDigest(stream(body), 'x');
        expect(merged.key).toEqual(d.key);
        expect(rowsOf(merged)).toEqual(expected);
        expect([...merged.rows()].map((r) => rowObject(merged, r))).toEqual(expected);
        const graph = (await readGraphInput(stream(body))).digest;
        expect(graph.key).toEqual(d.key);
        expect(rowsOf(graph)).toEqual(expected);
      }
    }),
    { numRuns: 40 },
  );
});

it('diff of two keyed digests compares whole keys, and prints keyed lines', async () => {
  await fc.assert(
    fc.asyncProperty(recsArb, recsArb, specArb, fc.boolean(), fc.boolean(), async (a, b, spec, ndPrev, ndNext) => {
      const key = keyText(spec);
      const [da, db] = [
        await digester.digest([memory(log(a))], { key }),
        await digester.digest([memory(log(b))], { key }),
      ];
      const ra = referenceDigest([{ name: 'a', text: log(a) }], { key: spec }).ndjsonRows.map(parse);
      const rb = referenceDigest([{ name: 'b', text: log(b) }], { key: spec }).ndjsonRows.map(parse);
      const diff = await diffInputs(
        stream(digestToString(da, ndPrev ? 'ndjson' : 'text')),
        stream(digestToString(db, ndNext ? 'ndjson' : 'text')),
      );
      // A text digest is a flow log: read back, each row is one record.
      for (const [rows, nd] of [
        [ra, ndPrev],
        [rb, ndNext],
      ] as const)
        if (!nd) for (const r of rows) r.records = 1;
      const out = (await diffToString(diff, 'ndjson')).trim().split('\n').map(parse);
      const inA = new Set(ra.map(keyOf)),
        inB = new Set(rb.map(keyOf));
      const strip = (o: Obj) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'diff'));
      expect(out.filter((o) => o.diff === 'REMOVED').map(strip)).toEqual(ra.filter((o) => !inB.has(keyOf(o))));
      expect(out.filter((o) => o.diff === 'ADDED').map(strip)).toEqual(rb.filter((o) => !inA.has(keyOf(o))));
      expect((out.at(-1) as { summary: { common: number } }).summary.common).toBe(
        ra.filter((o) => inB.has(keyOf(o))).length,
      );
      // The text form's lines are the digest's own lines, marked.
      const text = await diffToString(diff, 'text');
      const refText = referenceDigest([{ name: 'a', text: log(a) }], { key: spec }).text.split('\n');
      for (const line of text.split('\n').filter((l) => l.startsWith('- '))) expect(refText).toContain(line.slice(2));
    }),
    { numRuns: 30 },
  );
});

it('graphs of a keyed digest sum its rows over v2 key fields (dot, views)', async () => {
  await fc.assert(
    fc.asyncProperty(recsArb, specArb, async (recs, spec) => {
      const text = log(recs);
      const d = await digester.digest([memory(text)], { key: keyText(spec) });
      const rows = referenceDigest([{ name: 'o', text }], { key: spec }).ndjsonRows.map(parse);
      const naive = new Map<string, { packets: bigint; bytes: bigint; records: number }>();
      for (const r of rows) {
        const k = JSON.stringify(
          ['account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action'].map(
            (f) => r[f] ?? (['srcport', 'dstport', 'protocol'].includes(f) ? null : '-'),
          ),
        );
        const x = naive.get(k) ?? { packets: 0n, bytes: 0n, records: 0 };
        x.packets += BigInt((r.packets as number | bigint | null) ?? 0);
        x.bytes += BigInt((r.bytes as number | bigint | null) ?? 0);
        x.records += r.records as number;
        naive.set(k, x);
      }
      const view = applyView(d).digest;
      const got = new Map(
        [...view.rows()].map((r) => [
          JSON.stringify([r.account, r.interfaceId, r.srcAddr, r.dstAddr, r.srcPort, r.dstPort, r.protocol, r.action]),
          { packets: r.packets, bytes: r.bytes, records: r.records },
        ]),
      );
      expect(got).toEqual(naive);
    }),
    { numRuns: 40 },
  );
});

it('diff refuses digests of different keys, naming both', async () => {
  const text = log([
    {
      version: '2',
      'account-id': '1',
      'interface-id': 'eni-1',
      srcaddr: '10.0.0.1',
      dstaddr: '10.0.0.2',
      srcport: '443',
      dstport: '50000',
      protocol: '6',
      packets: '1',
      bytes: '10',
      start: '1000',
      end: '1060',
      action: 'ACCEPT',
      'log-status': 'OK',
      'vpc-id': 'vpc-1',
      'tcp-flags': '0',
      region: 'us-east-1',
      'flow-direction': 'ingress',
    },
  ]);
  const a = digestToString(await digester.digest([memory(text)], { key: '+vpc-id' }));
  const b = digestToString(await digester.digest([memory(text)], { key: '+flow-direction' }));
  await expect(diffInputs(stream(a), stream(b))).rejects.toMatchObject({
    code: 'FD_ERR_FORMAT',
    message: expect.stringMatching(/different keys.*vpc-id.*flow-direction/),
  });
});

it('a Transit Gateway digest read back: rows name its tgw fields, graphs and the report read it', async () => {
  const text = [
    'account-id tgw-id tgw-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status',
    '111122223333 tgw-1 tgw-attach-a 10.0.0.1 8.8.8.8 0 443 6 4 400 1000 1060 OK',
    '111122223333 tgw-1 tgw-attach-b 10.0.0.1 8.8.8.8 0 443 6 2 200 1000 1060 OK',
    '',
  ].join('\n');
  for (const body of [text, digestToString(await readDigest(stream(text), 't'), 'ndjson')]) {
    const d = await readDigest(stream(body), 't');
    expect(d.key).toEqual([
      'account-id',
      'tgw-id',
      'tgw-attachment-id',
      'srcaddr',
      'dstaddr',
      'srcport',
      'dstport',
      'protocol',
    ]);
    const rows = [...d.rows()];
    expect(rows.map((r) => [r.interfaceId, r.action, r.srcAddr, r.dstAddr, r.fields])).toEqual([
      ['-', '-', '10.0.0.1', '8.8.8.8', { 'tgw-id': 'tgw-1', 'tgw-attachment-id': 'tgw-attach-a' }],
      ['-', '-', '10.0.0.1', '8.8.8.8', { 'tgw-id': 'tgw-1', 'tgw-attachment-id': 'tgw-attach-b' }],
    ]);
    // A graph draws one edge for both attachments: their sums added.
    const view = [...applyView(d).digest.rows()];
    expect(view.map((r) => [r.srcAddr, r.dstAddr, r.dstPort, r.bytes])).toEqual([['10.0.0.1', '8.8.8.8', 443, 600n]]);
  }
});
