// Labels for people: units, port names, IPv6 shortening as exact strings; the default look on
// edges, nodes, the legend and diffs; `labels: 'go'` byte for byte as before; and Graphviz
// rendering every label style and view mode, with the DOT still reading back.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { digestToString } from '../dist/index.js';
import {
  COLOURS,
  diffDigests,
  diffToString,
  displayAddress,
  dotToString,
  formatBytes,
  formatBytesDelta,
  formatCount,
  formatFlows,
  type GraphOptions,
  LEGEND_NODE,
  protocolName,
  readGraphInput,
  serviceLabel,
  servicePort,
} from '../dist/graph/index.js';
import { attr, digestOf, edgeLines, graphvizRead, row } from './support/graph.js';

describe('label formatting', () => {
  it('writes byte volumes in decimal units, one decimal below 100', () => {
    expect(
      [
        0, 1, 999, 1000, 1234, 99_949, 99_950, 100_000, 999_499, 999_500, 999_999, 1_200_000_000, 3_200_000, 88_366_908,
      ].map((b) => formatBytes(b)),
    ).toEqual([
      '0 B',
      '1 B',
      '999 B',
      '1.0 kB',
      '1.2 kB',
      '99.9 kB',
      '100 kB',
      '100 kB',
      '999 kB',
      '1.0 MB',
      '1.0 MB',
      '1.2 GB',
      '3.2 MB',
      '88.4 MB',
    ]);
    expect(formatBytes(18446744073709551615n)).toBe('18.4 EB');
    expect(formatBytes(10n ** 21n)).toBe('1.0 ZB');
    expect(formatBytes(10n ** 24n)).toBe('1000 ZB'); // the largest unit
    expect(() => formatBytes(-1)).toThrow(RangeError);
  });

  it('writes signed changes and counts', () => {
    expect([3_200_000n, -512n, 0n, -1_500_000_000n].map(formatBytesDelta)).toEqual([
      '+3.2 MB',
      '-512 B',
      '±0 B',
      '-1.5 GB',
    ]);
    expect([0, 7, 1234, 1234567].map((n) => formatCount(n))).toEqual(['0', '7', '1,234', '1,234,567']);
    expect([1, 2, 68, 12345].map(formatFlows)).toEqual(['1 flow', '2 flows', '68 flows', '12,345 flows']);
  });

  it('names protocols, and services only where the port is unambiguous on that protocol', () => {
    expect([6, 17, 1, 58, 132, 99, null].map(protocolName)).toEqual([
      'tcp',
      'udp',
      'icmp',
      'icmpv6',
      'sctp',
      'proto 99',
      '?',
    ]);
    expect([
      serviceLabel(6, 40000, 443),
      serviceLabel(6, 443, 40000),
      serviceLabel(6, 0, 22),
      serviceLabel(17, 0, 53),
      serviceLabel(6, 0, 53),
      serviceLabel(17, 40000, 443),
      serviceLabel(6, 0, 8080),
      serviceLabel(6, 51000, 8443),
      serviceLabel(1, 0, 0),
      serviceLabel(17, null, null),
      serviceLabel(6, 5432, 0),
      serviceLabel(17, 123, 123),
      serviceLabel(99, 0, 7),
    ]).toEqual([
      'https',
      'https',
      'ssh',
      'dns',
      'dns/tcp',
      'quic',
      'tcp/8080',
      'tcp/8443',
      'icmp',
      'udp',
      'postgres',
      'ntp',
      'proto 99/7',
    ]);
    // A named port wins over a lower unnamed one; otherwise the lower one is the service.
    expect(servicePort(6, 443, 80)).toBe(80);
    expect(servicePort(6, 1000, 443)).toBe(443);
    expect(servicePort(6, 3000, 5000)).toBe(3000);
  });

  it('shortens IPv6 canonically (RFC 5952) and leaves everything else alone', () => {
    expect(
      [
        '2600:1F18:0000:0000:0000:0000:0000:0009',
        '2001:db8:0:0:1:0:0:1',
        '2001:0db8:0:1:1:1:1:1',
        'fe80::0:0:1',
        '::ffff:192.0.2.1',
        '0:0:0:0:0:0:0:0',
        '10.0.0.1',
        'internet',
        '10.0.0.0/16',
        'not:an:address',
        '<script>',
      ].map(displayAddress),
    ).toEqual([
      '2600:1f18::9',
      '2001:db8::1:0:0:1',
      '2001:db8:0:1:1:1:1:1',
      'fe80::1',
      '::ffff:c000:201',
      '::',
      '10.0.0.1',
      'internet',
      '10.0.0.0/16',
      'not:an:address',
      '<script>',
    ]);
  });
});

const A1 = '111122223333',
  A2 = '444455556666';
const LINES = [
  row('10.0.0.1', '10.0.1.2', 40000, 443, { account: A1, packets: 10, bytes: 1_200_000_000 }),
  row('10.0.0.1', '10.0.1.3', 0, 22, { account: A1, bytes: 50, action: 'REJECT' }),
  row('203.0.113.5', '10.0.0.1', 0, 8080, { account: A1, bytes: 3_200_000 }),
  row('10.0.1.2', '2600:1F18:0:0:0:0:0:9', 0, 53, { account: A2, proto: 17, bytes: 700 }),
  row('10.0.1.2', '10.0.0.1', 0, 53, { account: A2, proto: 17, bytes: 100 }),
];

const edgeByPair = (text: string, src: string, dst: string) =>
  edgeLines(text).find((l) => l.startsWith(`  "${src}" -> "${dst}" [`))!;
const nodeLine = (text: string, id: string) =>
  text.split('\n').find((l) => (l.startsWith(`  "${id}"`) || l.startsWith(`  ${id} `)) && !l.includes(' -> '));

describe('the default look', async () => {
  // The second https record folds into the first (ephemeral source ports are folded to 0).
  const d = await digestOf(...LINES, row('10.0.0.1', '10.0.1.2', 40001, 443, { account: A1, bytes: 1 }));

  it('labels edges with service, volume and flows; REJECT red and dashed', () => {
    const text = dotToString(d);
    const https = edgeByPair(text, '10.0.0.1', '10.0.1.2');
    expect(attr(https, 'label')).toBe('https · 1.2 GB · 2 flows');
    expect(attr(https, 'color')).toBe(COLOURS.accept);
    expect(attr(https, 'style')).toBeUndefined();
    const reject = edgeByPair(text, '10.0.0.1', '10.0.1.3');
    expect([attr(reject, 'label'), attr(reject, 'color'), attr(reject, 'style')]).toEqual([
      'ssh · 50 B · 1 flow',
      COLOURS.reject,
      'dashed',
    ]);
    expect(attr(edgeByPair(text, '203.0.113.5', '10.0.0.1'), 'label')).toBe('tcp/8080 · 3.2 MB · 1 flow');
    expect(attr(edgeByPair(text, '10.0.1.2', '2600:1F18:0:0:0:0:0:9'), 'label')).toBe('dns · 700 B · 1 flow');
  });

  it('keeps every govpc_* attribute on every edge, in every label style', () => {
    const names = [
      'govpc_accountID',
      'govpc_eniID',
      'govpc_srcPort',
      'govpc_dstPort',
      'govpc_protocol',
      'govpc_packets',
      'govpc_bytes',
      'govpc_start',
      'govpc_end',
      'govpc_action',
      'govpc_records',
    ];
    for (const labels of ['human', 'go', 'none'] as const) {
      const lines = edgeLines(dotToString(d, { labels }));
      expect(lines).toHaveLength(d.size);
      for (const l of lines) for (const n of names) expect(attr(l, n), `${labels} ${n}`).toBeDefined();
      expect(lines.every((l) => attr(l, 'label') !== undefined)).toBe(labels !== 'none');
    }
  });

  it('draws addresses with their one account in small type, IPv6 shortened, public ones plain', () => {
    const text = dotToString(d, { legend: false });
    const small = (s: string) => `<br/><font point-size="9" color="${COLOURS.secondLine}">${s}</font>`;
    // 10.0.0.1 is in rows of both accounts: no second line.
    expect(nodeLine(text, '10.0.0.1')).toBe('  "10.0.0.1"');
    expect(nodeLine(text, '10.0.1.3')).toBe(`  "10.0.1.3" [label=<10.0.1.3${small(A1)}>]`);
    expect(nodeLine(text, '2600:1F18:0:0:0:0:0:9')).toBe(`  "2600:1F18:0:0:0:0:0:9" [label=<2600:1f18::9>]`);
    expect(nodeLine(text, '203.0.113.5')).toBe('  "203.0.113.5"');
    // With clusters the box says the account.
    expect(nodeLine(dotToString(d, { legend: false, cluster: 'account' }).replace(/\n {4}/g, '\n  '), '10.0.1.3')).toBe(
      '  "10.0.1.3"',
    );
  });

  it('draws internet and collapsed ranges distinctly', () => {
    const text = dotToString(d, { collapseExternal: true, collapse: ['10.0.1.0/24'] });
    expect(nodeLine(text, 'internet')).toBe(
      '  internet [shape=ellipse,style="filled,dashed",fillcolor="#e3eefa",color="#3b6ea8",' +
        `label=<<b>internet</b><br/><font point-size="9" color="${COLOURS.secondLine}">public addresses</font>>]`,
    );
    expect(nodeLine(text, '10.0.1.0/24')).toBe(
      '  "10.0.1.0/24" [shape=folder,style=filled,fillcolor="#fff3d6",color="#b58900",' +
        `label=<10.0.1.0/24<br/><font point-size="9" color="${COLOURS.secondLine}">collapsed range</font>>]`,
    );
    expect(text).toContain('internet: every public address');
    expect(text).toContain('a collapsed range');
  });

  it('explains colours, styles and widths in a legend, which --no-legend drops', () => {
    const text = dotToString(d);
    // One node, after the others, and no cluster (see look.ts).
    expect(text).toMatch(
      new RegExp(
        `\n  "${LEGEND_NODE}" \\[shape=plain,style=solid,fontsize="9",label=<<table [^\n]*<b>legend</b>[^\n]*>\\]\n  "10\\.0\\.0\\.1" -> `,
      ),
    );
    expect(text).not.toContain('subgraph');
    expect(text).toContain('bytes, log scale: 50 B … 1.2 GB');
    expect(text).toContain('>ACCEPT<');
    expect(text).toContain('>REJECT<');
    expect(dotToString(d, { legend: false })).not.toContain('legend');
    expect(dotToString(d, { labels: 'go' })).not.toContain('legend');
    expect(dotToString(d, { labels: 'go', legend: true })).toContain(`"${LEGEND_NODE}"`);
    expect(dotToString(d, { penwidth: false })).not.toContain('log scale');
  });

  it('escapes data inside HTML-like labels', async () => {
    const evil = await digestOf(
      row('10.0.0.9', '10.0.0.8', 0, 1, { account: '<b>&"x"</b>' }),
      row('10.0.0.9', '2600::<i>', 0, 1),
    );
    const text = dotToString(evil, { legend: false });
    expect(nodeLine(text, '10.0.0.8')).toContain('&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;');
    const g = await graphvizRead(text);
    expect(g.nodes.map((n) => n.name).sort()).toEqual(['10.0.0.8', '10.0.0.9', '2600::<i>']);
  });
});

describe('diff pictures', async () => {
  const prev = await digestOf(
    row('10.0.0.1', '10.0.0.2', 0, 443, { bytes: 1_000_000 }),
    row('10.0.0.1', '10.0.0.3', 0, 22, { action: 'REJECT' }),
  );
  const next = await digestOf(
    row('10.0.0.1', '10.0.0.2', 0, 443, { bytes: 4_200_000 }),
    row('10.0.0.5', '10.0.0.3', 0, 22),
  );

  it('draws added green, removed red dashed, changed with the volume change in the label', async () => {
    const text = await diffToString(diffDigests(prev, next, { changed: true }), 'dot');
    const lines = edgeLines(text);
    expect(
      lines.map((l) => [attr(l, 'govpc_diff'), attr(l, 'color'), attr(l, 'style') ?? '', attr(l, 'label')]),
    ).toEqual([
      ['REMOVED', COLOURS.removed, 'dashed', '− ssh · 100 B · 1 flow · REJECT'],
      ['ADDED', COLOURS.added, '', '+ ssh · 100 B · 1 flow'],
      ['CHANGED', COLOURS.changed, '', 'https · 4.2 MB (+3.2 MB) · 1 flow'],
    ]);
    expect(attr(lines[2], 'govpc_bytesDelta')).toBe('+3200000');
    expect(text).toContain('>added<');
    expect(text).toContain('>removed<');
    const g = await graphvizRead(text);
    expect(g.edges.map((e) => e.attrs.govpc_diff)).toEqual(['REMOVED', 'ADDED', 'CHANGED']);
    expect(await diffToString(diffDigests(prev, next, { changed: true }), 'dot', { writer: 'stream' })).toBe(text);
    expect(
      edgeLines(await diffToString(diffDigests(prev, next), 'dot', { labels: 'none', legend: false })).some(
        (l) => attr(l, 'label') !== undefined,
      ),
    ).toBe(false);
  });
});

// SHA-256 of the output of flowdigest at c9c1dbd (before the default look changed), for the
// sample: `--labels go` must print those bytes exactly.
const GO_GOLDEN: [string, GraphOptions, string][] = [
  ['whole sample', {}, '8dc4a2d2252b30da279e7b72a9602bb793cfd65bef204f592bd68925806767a5'],
  ['--top 12', { top: 12, topRejected: 0 }, '2fa8392a1576ffdf9989e7af97cadff9678c4750a77f6d2eff59d9b8c3cc84a2'],
  [
    '--collapse 10.0.0.0/8 --cluster subnet --no-penwidth',
    { collapse: ['10.0.0.0/8'], cluster: 'subnet', penwidth: false },
    'e9ef6982add9262d43f3289527adeecb23967aa23bd96d89297343d92960eeae',
  ],
];
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe("--labels go: go-vpcflow's look, unchanged", async () => {
  const sample = (await readGraphInput('fixtures/golden/sample.digest.ndjson')).digest;
  const edgeCases = (await readGraphInput('fixtures/sample/edge-cases.log')).digest;

  it.each(GO_GOLDEN)('prints the bytes it printed before (%s)', (_, options, hash) => {
    for (const writer of ['graphlib', 'stream'] as const)
      expect(sha(dotToString(sample, { ...options, writer, labels: 'go' }))).toBe(hash);
  });

  it('prints the diff it printed before', async () => {
    expect(sha(await diffToString(diffDigests(edgeCases, sample, { changed: true }), 'dot', { labels: 'go' }))).toBe(
      '4355ebd91bb1026cac6afe76fe548f434d1cfe949c69b0fd40d0aeb63e0a0a6f',
    );
  });
});

describe('Graphviz renders every label style and view mode', async () => {
  const sample = (await readGraphInput('fixtures/golden/sample.digest.ndjson')).digest;
  const edgeCases = (await readGraphInput('fixtures/sample/edge-cases.log')).digest;
  sample.mergeFrom(edgeCases);
  const views: GraphOptions[] = [
    {},
    { top: 40 },
    { top: 40, cluster: 'account' },
    { top: 40, cluster: 'subnet', subnetPrefix: 16 },
    { collapseExternal: true, top: 40 },
    { collapseExternal: true, collapse: ['10.0.0.0/8', '172.16.0.0/12'], cluster: 'subnet' },
    { actions: ['REJECT'], penwidth: false },
  ];
  const text = digestToString(sample, 'text');

  it.each(['human', 'go', 'none'] as const)(
    'labels %s: valid DOT that reads back into the digest it shows',
    async (labels) => {
      for (const v of views) {
        const options = { ...v, labels };
        const dot = dotToString(sample, options);
        expect(dotToString(sample, { ...options, writer: 'stream' })).toBe(dot);
        const g = await graphvizRead(dot);
        const shown = (await readGraphInput(Readable.from([Buffer.from(dot)]), { name: 'shown.dot' })).digest;
        expect(g.edges).toHaveLength(shown.size);
        expect(g.nodes.filter((n) => n.name === LEGEND_NODE)).toHaveLength(labels === 'go' ? 0 : 1);
        if (v.top === undefined && v.actions === undefined && v.collapse === undefined && !v.collapseExternal) {
          expect(digestToString(shown, 'text')).toBe(text);
        }
      }
    },
  );
});
