// `key` / `--key`: the conversation key the user chooses (replace, or +LIST to add to the
// default), and Transit Gateway's default key. Compared with the reference digest extended with
// a key; text output stays a flow-log file that re-digests to itself.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import {
  createDigester,
  digestToString,
  FIELD_PRESETS,
  FormatError,
  InvalidOptionError,
  writeDigest,
} from '../dist/index.js';
import { lines, memory, recordArb, V2_FIELDS } from './support/flowlog.js';
import { referenceDigest } from './support/reference-digest.js';
import { runCli } from './support/run-cli.js';
import { tempDir } from './support/tmp.js';

const digester = createDigester({ threads: 2 });
afterAll(() => digester.close());
const dir = tempDir();

const ALL = [...V2_FIELDS, 'vpc-id', 'tcp-flags', 'region', 'flow-direction'];
const KEYABLE = ALL.filter((f) => !['packets', 'bytes', 'start', 'end', 'log-status'].includes(f));
const COUNTERS = ['lines', 'records', 'digested', 'nodata', 'skipdata', 'malformed', 'blank', 'filtered', 'headers'];
const pick = (s: Record<string, unknown>) => Object.fromEntries(COUNTERS.map((k) => [k, s[k]]));

const objectsArb = fc.array(
  fc.record({
    order: fc.shuffledSubarray(ALL, { minLength: ALL.length }),
    recs: fc.array(recordArb, { maxLength: 25 }),
  }),
  { minLength: 1, maxLength: 3 },
);
const specArb = fc.oneof(
  fc
    .shuffledSubarray(KEYABLE.filter((f) => f !== 'srcaddr' && f !== 'dstaddr'))
    .chain((rest) => fc.shuffledSubarray([...rest, 'srcaddr', 'dstaddr'], { minLength: rest.length + 2 }))
    .map((replace) => ({ replace })),
  fc.shuffledSubarray(['vpc-id', 'tcp-flags', 'region', 'flow-direction'], { minLength: 1 }).map((add) => ({ add })),
);

it('any key (replacing or adding, up to 13 fields) equals the reference digest, text and NDJSON', async () => {
  await fc.assert(
    fc.asyncProperty(objectsArb, specArb, async (objects, spec) => {
      const texts = objects.map((o) =>
        lines(o.order.join(' '), ...o.recs.map((r) => o.order.map((f) => r[f] ?? '-').join(' '))),
      );
      const key = 'replace' in spec ? spec.replace.join(',') : `+${spec.add.join(',')}`;
      const d = await digester.digest([memory(...texts)], { key });
      const ref = referenceDigest(
        texts.map((text, i) => ({ name: `o${i}`, text })),
        { key: spec },
      );
      expect(digestToString(d)).toBe(ref.text);
      expect(pick(d.stats as never)).toEqual(ref.stats);
      expect(digestToString(d, 'ndjson').split('\n').slice(0, -2)).toEqual(ref.ndjsonRows);
      // The text digest is a flow-log file: digested again under the same key, it is itself.
      // (Unless a row merged a record with only `start` and one with only `end` into start > end:
      // such a row is malformed when read back, under any key, v2's included.)
      const spans = ref.ndjsonRows.map((r) => JSON.parse(r) as { start: number | null; end: number | null });
      if (spans.every((r) => r.start === null || r.end === null || r.start <= r.end)) {
        const again = await digester.digest([memory(digestToString(d))], { key });
        expect(digestToString(again)).toBe(ref.text);
      }
    }),
    { numRuns: 50 },
  );
});

const NAT = [
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
  'pkt-srcaddr',
  'flow-direction',
];
const natLine = (origin: string, dir: string) =>
  `111122223333 eni-1 10.0.0.5 10.0.1.9 50000 443 6 2 200 1000 1060 ACCEPT OK ${origin} ${dir}`;

it('records that differ only behind a NAT merge by default and stay apart with --key +pkt-srcaddr,flow-direction', async () => {
  const text = lines(NAT.join(' '), natLine('198.51.100.7', 'ingress'), natLine('203.0.113.9', 'ingress'));
  const file = join(dir, 'nat.log');
  writeFileSync(file, text);
  const merged = await runCli(['digest', file, '-q']);
  expect(merged.stdout.trim().split('\n')).toHaveLength(2);
  const apart = await runCli(['digest', file, '-q', '--key', '+pkt-srcaddr,flow-direction']);
  expect(apart.code).toBe(0);
  expect(apart.stdout).toBe(
    lines(
      'account-id interface-id srcaddr dstaddr srcport dstport protocol action pkt-srcaddr flow-direction packets bytes start end log-status',
      '111122223333 eni-1 10.0.0.5 10.0.1.9 0 443 6 ACCEPT 198.51.100.7 ingress 2 200 1000 1060 OK',
      '111122223333 eni-1 10.0.0.5 10.0.1.9 0 443 6 ACCEPT 203.0.113.9 ingress 2 200 1000 1060 OK',
    ),
  );
  expect(apart.stdout).toBe(
    referenceDigest([{ name: 'n', text }], { key: { add: ['pkt-srcaddr', 'flow-direction'] } }).text,
  );
});

it('the ephemeral-port rule applies only when both ports are in the key', async () => {
  const text = lines(NAT.join(' '), natLine('-', 'egress'));
  const one = await digester.digest([memory(text)], { key: 'srcaddr dstaddr srcport' });
  expect(digestToString(one)).toContain('10.0.0.5 10.0.1.9 50000 2 200 1000 1060 OK');
  const both = await digester.digest([memory(text)], { key: 'srcaddr dstaddr srcport dstport' });
  expect(digestToString(both)).toContain('10.0.0.5 10.0.1.9 0 443 2 200 1000 1060 OK');
});

it('Transit Gateway logs default to their own key', async () => {
  const tgw = FIELD_PRESETS.tgw;
  const row = (att: string, pkts: number) =>
    tgw
      .map(
        (f) =>
          ({
            version: '6',
            'resource-type': 'TransitGateway',
            'account-id': '111122223333',
            'tgw-id': 'tgw-1',
            'tgw-attachment-id': att,
            srcaddr: '10.0.0.1',
            dstaddr: '10.1.0.1',
            srcport: '50000',
            dstport: '443',
            protocol: '6',
            packets: String(pkts),
            bytes: String(pkts * 100),
            start: '1000',
            end: '1060',
            'log-status': 'OK',
          })[f] ?? '-',
      )
      .join(' ');
  const text = lines(row('tgw-attach-a', 1), row('tgw-attach-b', 2), row('tgw-attach-a', 3));
  const d = await digester.digest([memory(text)], { fields: 'tgw' });
  expect(digestToString(d)).toBe(
    lines(
      'account-id tgw-id tgw-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status ' +
        'packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired',
      // Every packets-lost-* value was `-`: nothing lost.
      '111122223333 tgw-1 tgw-attach-a 10.0.0.1 10.1.0.1 0 443 6 4 400 1000 1060 OK 0 0 0 0',
      '111122223333 tgw-1 tgw-attach-b 10.0.0.1 10.1.0.1 0 443 6 2 200 1000 1060 OK 0 0 0 0',
    ),
  );
  expect(digestToString(d)).toBe(referenceDigest([{ name: 't', text }], { fields: tgw }).text);
  // With a VPC object in the same run the keys differ: a format error, naming both objects.
  const mixed = await digester
    .digest(
      [
        memory(
          text,
          lines(V2_FIELDS.join(' '), '2 111122223333 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT OK'),
        ),
      ],
      {
        fields: 'tgw',
      },
    )
    .catch((e) => e);
  expect(mixed).toBeInstanceOf(FormatError);
});

it('--key naming an unknown field is a usage error with a did-you-mean; one the input lacks fails the object', async () => {
  await expect(digester.digest([memory('')], { key: 'srcaddr,dstadr' })).rejects.toThrow(InvalidOptionError);
  await expect(digester.digest([memory('')], { key: 'vpc-id,dstaddr' })).rejects.toThrow(
    "options.key lacks 'srcaddr': a conversation has two ends",
  );
  const file = join(dir, 'v2.log');
  writeFileSync(file, lines(V2_FIELDS.join(' '), '2 1 eni-1 10.0.0.1 10.0.0.2 443 50000 6 1 100 1000 1060 ACCEPT OK'));
  const unknown = await runCli(['digest', file, '--key', '+pkt-srcadr']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("--key names the unknown field 'pkt-srcadr' (did you mean pkt-srcaddr?)");
  const lacks = await runCli(['digest', file, '--key', 'srcaddr,dstaddr,vpc-id', '--allow-empty']);
  expect(lacks.code).toBe(1);
  expect(lacks.stderr).toContain(`${file}: --key names 'vpc-id', which this object's format lacks`);
  const counter = await runCli(['digest', file, '--key', 'srcaddr,bytes']);
  expect(counter.code).toBe(2);
  expect(counter.stderr).toContain("names 'bytes', which is summed");
});

it('a wide key over thousands of rows (the radix-sorted order, several workers, ranges) equals the reference', async () => {
  const order = [...NAT, 'vpc-id'];
  const recs: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const v: Record<string, string> = {
      'account-id': String(111122223333 + (i % 3)),
      'interface-id': `eni-${i % 7}`,
      srcaddr: `10.0.${i % 11}.${i % 13}`,
      dstaddr: `10.1.${i % 5}.1`,
      srcport: String(1000 + (i % 97)),
      dstport: String([22, 443, 8080][i % 3]),
      protocol: String([6, 17][i % 2]),
      packets: String(i % 9),
      bytes: String(i * 10),
      start: String(1000 + (i % 50)),
      end: String(1060 + (i % 50)),
      action: i % 4 === 0 ? 'REJECT' : 'ACCEPT',
      'log-status': 'OK',
      'pkt-srcaddr': `198.51.100.${i % 17}`,
      'flow-direction': i % 2 ? 'ingress' : 'egress',
      'vpc-id': `vpc-${i % 2}`,
    };
    recs.push(order.map((f) => v[f]).join(' '));
  }
  const texts = [lines(order.join(' '), ...recs.slice(0, 2500)), lines(order.join(' '), ...recs.slice(2500))];
  const wide = createDigester({ threads: 2, rangeRows: 500 });
  try {
    const d = await wide.digest([memory(...texts)], { key: '+pkt-srcaddr,flow-direction,vpc-id' });
    const ref = referenceDigest(
      texts.map((text, i) => ({ name: `o${i}`, text })),
      { key: { add: ['pkt-srcaddr', 'flow-direction', 'vpc-id'] } },
    );
    expect(d.size).toBeGreaterThan(1024);
    // Written as the CLI writes it: ranges formatted on the workers, under the digest's key.
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeDigest(d, out, 'text');
    expect(Buffer.concat(chunks).toString('latin1')).toBe(ref.text);
    expect(digestToString(d)).toBe(ref.text);
  } finally {
    await wide.close();
  }
});

it("merge keeps a keyed digest's key (from its header), and refuses to merge digests of different keys", async () => {
  const text = lines(NAT.join(' '), natLine('198.51.100.7', 'ingress'), natLine('203.0.113.9', 'egress'));
  const src = join(dir, 'nat2.log');
  writeFileSync(src, text);
  const keyed = join(dir, 'keyed.log'),
    plain = join(dir, 'plain.log');
  expect((await runCli(['digest', src, '-q', '--key', '+pkt-srcaddr', '-o', keyed])).code).toBe(0);
  expect((await runCli(['digest', src, '-q', '-o', plain])).code).toBe(0);
  // A copy: the same file named twice is read once.
  const copy = join(dir, 'keyed-copy.log');
  copyFileSync(keyed, copy);
  const twice = await runCli(['merge', keyed, copy, '-q']);
  expect(twice.code).toBe(0);
  const doubled = lines(NAT.join(' '), natLine('198.51.100.7', 'ingress'), natLine('203.0.113.9', 'egress'));
  expect(twice.stdout).toBe(
    referenceDigest(
      [
        { name: 'a', text: doubled },
        { name: 'b', text: doubled },
      ],
      { key: { add: ['pkt-srcaddr'] } },
    ).text,
  );
  const mixed = await runCli(['merge', keyed, plain, '-q']);
  expect(mixed.code).toBe(1);
  expect(mixed.stderr).toContain('pass --key to choose one');
});

it('account and region selections read the records themselves, whatever the key', async () => {
  const text = lines(
    NAT.join(' '),
    natLine('198.51.100.7', 'ingress'),
    natLine('203.0.113.9', 'ingress').replace('111122223333', '444455556666'),
  );
  const d = await digester.digest([memory(text)], { key: 'srcaddr dstaddr pkt-srcaddr', accounts: ['444455556666'] });
  expect(d.stats).toMatchObject({ digested: 1, filtered: 1 });
  expect(digestToString(d)).toContain('10.0.0.5 10.0.1.9 203.0.113.9 2 200 1000 1060 OK');
});
