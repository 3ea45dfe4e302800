// Views against hand-computed expectations: filters, --top, collapsing (merging parallel edges),
// clusters and penwidth.
import { describe, expect, it } from 'vitest';
import { applyView, dotToString, type GraphViewOptions } from '../dist/graph/index.js';
import { type Digest, InvalidOptionError } from '../dist/index.js';
import { attr, digestOf, edgeLines, row } from './support/graph.js';

const A1 = '111122223333',
  A2 = '444455556666';
const LINES = [
  row('10.0.0.1', '10.0.1.2', 0, 443, { account: A1, eni: 'eni-a', packets: 10, bytes: 1000, start: 100, end: 200 }), // A
  row('10.0.0.1', '10.0.1.3', 0, 22, { account: A1, eni: 'eni-a', packets: 1, bytes: 50, action: 'REJECT' }), // B
  row('203.0.113.5', '10.0.0.1', 0, 443, { account: A1, eni: 'eni-a', packets: 3, bytes: 300, start: 90, end: 150 }), // C
  row('198.51.100.7', '10.0.0.1', 0, 443, { account: A1, eni: 'eni-a', packets: 7, bytes: 700, start: 120, end: 300 }), // D
  row('10.0.0.1', '2600:1f18::9', 0, 443, { account: A2, eni: 'eni-b', packets: 1, bytes: 5 }), // E
  row('100.64.0.1', '10.0.2.2', 0, 8080, { account: A2, eni: 'eni-b', packets: 20, bytes: 2000 }), // F
  row('10.0.1.2', '10.0.0.1', 0, 53, { account: A2, eni: 'eni-b', proto: 17, packets: 2, bytes: 100 }), // G
];

/** Each edge as `src>dst:dport bytes/packets start-end xrecords`, sorted. */
function edges(d: Digest): string[] {
  return [...d.rows()]
    .map((r) => `${r.srcAddr}>${r.dstAddr}:${r.dstPort} ${r.bytes}/${r.packets} ${r.start}-${r.end} x${r.records}`)
    .sort();
}

/** Cluster label → its node IDs, from DOT text. */
function clusters(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of text.matchAll(/ {2}subgraph "cluster [^"]*" \{\n {4}label="([^"]*)";\n((?: {4}.*\n)*) {2}\}/g)) {
    out[m[1]] = m[2]
      .trim()
      .split('\n')
      .map((l) => l.trim().replace(/^"|"(?: \[.*)?$/g, ''));
  }
  return out;
}

describe('views', async () => {
  const d = await digestOf(...LINES);
  const view = (o: GraphViewOptions) => edges(applyView(d, o).digest);

  it('filters by CIDR (either endpoint), account, interface, port and action', () => {
    expect(view({ cidrs: ['10.0.1.0/24'] })).toEqual([
      '10.0.0.1>10.0.1.2:443 1000/10 100-200 x1',
      '10.0.0.1>10.0.1.3:22 50/1 1000-1060 x1',
      '10.0.1.2>10.0.0.1:53 100/2 1000-1060 x1',
    ]);
    expect(view({ cidrs: ['2600:1f18::/32'] })).toEqual(['10.0.0.1>2600:1f18::9:443 5/1 1000-1060 x1']);
    expect(view({ accounts: [A2] })).toHaveLength(3);
    expect(view({ enis: ['eni-a'], ports: [22] })).toEqual(['10.0.0.1>10.0.1.3:22 50/1 1000-1060 x1']);
    expect(view({ ports: [53, 8080] })).toHaveLength(2);
    expect(view({ actions: ['REJECT'] })).toEqual(['10.0.0.1>10.0.1.3:22 50/1 1000-1060 x1']);
    expect(view({ accounts: [A1], actions: ['ACCEPT'], cidrs: ['198.51.100.0/24'] })).toEqual([
      '198.51.100.7>10.0.0.1:443 700/7 120-300 x1',
    ]);
  });

  it('keeps the N heaviest edges, ties settled by canonical row order', async () => {
    expect(view({ top: 2, topRejected: 0 })).toEqual([
      '10.0.0.1>10.0.1.2:443 1000/10 100-200 x1',
      '100.64.0.1>10.0.2.2:8080 2000/20 1000-1060 x1',
    ]);
    // Beside them, the REJECT edges with the most records (here the one, of 50 bytes).
    expect(view({ top: 2 })).toEqual([
      '10.0.0.1>10.0.1.2:443 1000/10 100-200 x1',
      '10.0.0.1>10.0.1.3:22 50/1 1000-1060 x1',
      '100.64.0.1>10.0.2.2:8080 2000/20 1000-1060 x1',
    ]);
    expect(applyView(d, { top: 2 }).kept).toEqual({ byBytes: 2, rejected: 1 });
    const tied = await digestOf(
      row('10.0.0.9', '10.0.0.2', 0, 1, { bytes: 7 }),
      row('10.0.0.3', '10.0.0.2', 0, 1, { bytes: 7 }),
      row('10.0.0.5', '10.0.0.2', 0, 1, { bytes: 7 }),
      row('10.0.0.1', '10.0.0.2', 0, 1, { bytes: 3 }),
    );
    expect(edges(applyView(tied, { top: 2 }).digest).map((e) => e.split('>')[0])).toEqual(['10.0.0.3', '10.0.0.5']);
    expect(applyView(tied, { top: 10 }).digest.size).toBe(4);
  });

  it('folds public addresses into internet and merges the edges that become identical', () => {
    expect(view({ collapseExternal: true })).toEqual([
      '10.0.0.1>10.0.1.2:443 1000/10 100-200 x1',
      '10.0.0.1>10.0.1.3:22 50/1 1000-1060 x1',
      '10.0.0.1>internet:443 5/1 1000-1060 x1',
      '10.0.1.2>10.0.0.1:53 100/2 1000-1060 x1',
      // C + D: bytes and packets summed, start min, end max, records summed.
      'internet>10.0.0.1:443 1000/10 90-300 x2',
      'internet>10.0.2.2:8080 2000/20 1000-1060 x1',
    ]);
    expect(view({ collapseExternal: true, internal: ['100.64.0.0/10'] })).toContain(
      '100.64.0.1>10.0.2.2:8080 2000/20 1000-1060 x1',
    );
    // Filters see the real addresses, top sees the merged edges.
    expect(view({ collapseExternal: true, cidrs: ['203.0.113.0/24'] })).toEqual([
      'internet>10.0.0.1:443 300/3 90-150 x1',
    ]);
    expect(view({ collapseExternal: true, top: 1, topRejected: 0 })).toEqual([
      'internet>10.0.2.2:8080 2000/20 1000-1060 x1',
    ]);
  });

  it('folds each --collapse range into one node; the longest range wins', () => {
    expect(view({ collapse: ['10.0.0.0/16'] })).toEqual([
      '10.0.0.0/16>10.0.0.0/16:22 50/1 1000-1060 x1',
      '10.0.0.0/16>10.0.0.0/16:443 1000/10 100-200 x1',
      '10.0.0.0/16>10.0.0.0/16:53 100/2 1000-1060 x1',
      '10.0.0.0/16>2600:1f18::9:443 5/1 1000-1060 x1',
      '100.64.0.1>10.0.0.0/16:8080 2000/20 1000-1060 x1',
      '198.51.100.7>10.0.0.0/16:443 700/7 120-300 x1',
      '203.0.113.5>10.0.0.0/16:443 300/3 90-150 x1',
    ]);
    expect(view({ collapse: ['10.0.0.0/16', '10.0.1.0/24'] })).toEqual(
      expect.arrayContaining([
        '10.0.0.0/16>10.0.1.0/24:22 50/1 1000-1060 x1',
        '10.0.0.0/16>10.0.1.0/24:443 1000/10 100-200 x1',
        '10.0.1.0/24>10.0.0.0/16:53 100/2 1000-1060 x1',
      ]),
    );
    const text = dotToString(d, { collapse: ['10.0.0.0/16'], collapseExternal: true, labels: 'go' });
    expect(text).toContain('\n  "10.0.0.0/16" [shape=box]\n');
    expect(text).toContain('\n  internet [shape=box,style=dashed]\n');
  });

  it('clusters internal nodes by account (seen in exactly one) and by subnet', () => {
    expect(clusters(dotToString(d, { cluster: 'account' }))).toEqual({
      [`account ${A1}`]: ['10.0.1.3'],
      [`account ${A2}`]: ['10.0.2.2'],
    });
    expect(clusters(dotToString(d, { cluster: 'account', internal: ['100.64.0.0/10'] }))[`account ${A2}`]).toEqual([
      '10.0.2.2',
      '100.64.0.1',
    ]);
    expect(clusters(dotToString(d, { cluster: 'subnet' }))).toEqual({
      '10.0.0.0/24': ['10.0.0.1'],
      '10.0.1.0/24': ['10.0.1.2', '10.0.1.3'],
      '10.0.2.0/24': ['10.0.2.2'],
    });
    expect(clusters(dotToString(d, { cluster: 'subnet', subnetPrefix: 16 }))).toEqual({
      '10.0.0.0/16': ['10.0.0.1', '10.0.1.2', '10.0.1.3', '10.0.2.2'],
    });
    // A folded range goes in its subnet if it fits in one.
    expect(clusters(dotToString(d, { cluster: 'subnet', collapse: ['10.0.1.0/25'] }))['10.0.1.0/24']).toEqual([
      '10.0.1.0/25',
    ]);
    expect(clusters(dotToString(d, { cluster: 'subnet', collapse: ['10.0.0.0/23'] }))).toEqual({
      '10.0.2.0/24': ['10.0.2.2'],
    });
  });

  it('scales penwidth from 1 to 8 with log(bytes), over the edges shown', async () => {
    const w = (text: string) =>
      Object.fromEntries(edgeLines(text).map((l) => [attr(l, 'govpc_bytes'), attr(l, 'penwidth')]));
    const widths = w(dotToString(d));
    expect(widths['2000']).toBe('8.00');
    expect(widths['5']).toBe('1.00');
    expect(widths['1000']).toBe(
      (1 + (7 * (Math.log1p(1000) - Math.log1p(5))) / (Math.log1p(2000) - Math.log1p(5))).toFixed(2),
    );
    expect(w(dotToString(d, { top: 2, topRejected: 0 }))).toEqual({ 2000: '8.00', 1000: '1.00' });
    expect(w(dotToString(await digestOf(row('a', 'b', 0, 1, { bytes: 0 }))))).toEqual({ 0: '1' });
    expect(edgeLines(dotToString(d, { penwidth: false })).some((l) => l.includes('penwidth'))).toBe(false);
  });

  it('rejects bad options with InvalidOptionError naming them', () => {
    expect(() => applyView(d, { cidrs: ['10.0.0.0/33'] })).toThrow(InvalidOptionError);
    expect(() => applyView(d, { collapse: ['10.0.0.1/8'] })).toThrow(
      /options\.collapse '10\.0\.0\.1\/8' has host bits set \(did you mean 10\.0\.0\.0\/8\?\)/,
    );
    expect(() => applyView(d, { top: 0 })).toThrow(/options\.top must be an integer from 1 to 1000000000/);
    expect(() => applyView(d, { ports: [70000] })).toThrow(/options\.ports/);
    expect(() => dotToString(d, { cluster: 'vpc' as 'account' })).toThrow(/options\.cluster/);
  });
});
